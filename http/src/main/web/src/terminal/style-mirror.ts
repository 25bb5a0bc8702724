/**
 * xterm.js 6's DOM renderer styles itself with <style> elements it writes at run time (row heights, cell
 * widths, theme colours). The console's page runs under Content-Security-Policy default-src 'self', which
 * makes the browser ignore such inline styles. This copies each one under {@code root} into a constructed
 * stylesheet, which CSP does not govern, and keeps the copy in step as xterm.js rewrites it.
 *
 * The observer also sees every row xterm.js renders. Only a change to a <style> is copied, and the page's
 * stylesheets are set again only when one was added or removed: setting them makes the browser recompute the
 * whole page's styles, work that every render did for nothing (ADR-0085).
 */
export class StyleMirror {
  private readonly sheets = new Map<HTMLStyleElement, CSSStyleSheet>();
  /** The text each copy was made from, so that an unchanged <style> is not parsed again. */
  private readonly copied = new Map<HTMLStyleElement, string>();
  private readonly observer = new MutationObserver((records) => {
    if (records.some(touchesStyle)) this.sync();
  });

  constructor(private readonly root: HTMLElement) {}

  start(): void {
    this.observer.observe(this.root, { subtree: true, childList: true, characterData: true });
    this.sync();
  }

  dispose(): void {
    this.observer.disconnect();
    const mine = new Set(this.sheets.values());
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => !mine.has(s));
    this.sheets.clear();
    this.copied.clear();
  }

  private sync(): void {
    const live = new Set(Array.from(this.root.querySelectorAll('style')));
    let changed = false;
    const before = new Set(this.sheets.values());
    for (const element of Array.from(this.sheets.keys())) {
      if (!live.has(element)) {
        this.sheets.delete(element);
        this.copied.delete(element);
        changed = true;
      }
    }
    for (const element of live) {
      let sheet = this.sheets.get(element);
      if (!sheet) {
        sheet = new CSSStyleSheet();
        this.sheets.set(element, sheet);
        changed = true;
      }
      const text = element.textContent ?? '';
      if (this.copied.get(element) !== text) {
        sheet.replaceSync(text);
        this.copied.set(element, text);
      }
    }
    if (changed) {
      const others = document.adoptedStyleSheets.filter((s) => !before.has(s));
      document.adoptedStyleSheets = [...others, ...this.sheets.values()];
    }
  }
}

/** Whether a mutation added, removed or rewrote a <style> (or something holding one). */
function touchesStyle(record: MutationRecord): boolean {
  const target = record.type === 'characterData' ? record.target.parentNode : record.target;
  if (target?.nodeName === 'STYLE') return true;
  const holdsStyle = (node: Node) =>
    node.nodeName === 'STYLE' || (node instanceof Element && node.getElementsByTagName('style').length > 0);
  return Array.from(record.addedNodes).some(holdsStyle) || Array.from(record.removedNodes).some(holdsStyle);
}
