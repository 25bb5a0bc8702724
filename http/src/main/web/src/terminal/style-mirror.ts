/**
 * xterm.js 6's DOM renderer styles itself with <style> elements it writes at run time (row heights, cell
 * widths, theme colours). The console's page runs under Content-Security-Policy default-src 'self', which
 * makes the browser ignore such inline styles. This copies each one under {@code root} into a constructed
 * stylesheet, which CSP does not govern, and keeps the copy in step as xterm.js rewrites it.
 */
export class StyleMirror {
  private readonly sheets = new Map<HTMLStyleElement, CSSStyleSheet>();
  private readonly observer = new MutationObserver(() => this.sync());

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
  }

  private sync(): void {
    const before = new Set(this.sheets.values());
    const live = new Set(Array.from(this.root.querySelectorAll('style')));
    for (const element of Array.from(this.sheets.keys())) {
      if (!live.has(element)) this.sheets.delete(element);
    }
    for (const element of live) {
      let sheet = this.sheets.get(element);
      if (!sheet) {
        sheet = new CSSStyleSheet();
        this.sheets.set(element, sheet);
      }
      sheet.replaceSync(element.textContent ?? '');
    }
    const others = document.adoptedStyleSheets.filter((s) => !before.has(s));
    document.adoptedStyleSheets = [...others, ...this.sheets.values()];
  }
}
