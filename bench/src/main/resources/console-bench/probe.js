// Installed into a page (the console's or the bridge's) once its terminal is attached: it notes when a key
// goes down (a capturing listener, before xterm.js sees the key) and, on every change of xterm.js's rendered
// rows, whether the rows show what the benchmark waits for. The time from the key to that change is
// what the operator waits: the round trip through the pty and the renderer's next frame. With the socket tap
// (socket-tap.js) it also notes when the first WebSocket message after the key reached the page: `arrived`,
// the part of the wait that the render does not take (-1 when no message came).
(() => {
  const rows = document.querySelector('.xterm-rows');
  if (!rows) throw new Error('no xterm.js rows on this page');
  const text = (row) => (row ? row.textContent.replace(/\u00a0/g, ' ').trimEnd() : '');
  const probe = {
    t0: 0,
    check: null,
    result: null,
    arrived: -1,
    waiter: null,
    // The row with the cursor (above = 0), or the one `above` rows over it, as rendered.
    cursorRow: (above = 0) => {
      let row = rows.querySelector('.xterm-cursor');
      while (row && row.parentElement !== rows) row = row.parentElement;
      for (let i = 0; row && i < above; i++) row = row.previousElementSibling;
      return text(row);
    },
    anyRow: (want) => Array.from(rows.children).some((r) => text(r) === want),
    arm: (check) => {
      probe.result = null;
      probe.check = check;
    },
    settle: () => {
      if (probe.check && probe.check()) {
        probe.check = null;
        probe.result = performance.now() - probe.t0;
        const tap = window.__socketTap;
        probe.arrived = tap && tap.first > 0 ? tap.first - probe.t0 : -1;
        if (probe.waiter) {
          const w = probe.waiter;
          probe.waiter = null;
          w(probe.result);
        }
      }
    },
  };
  document.addEventListener('keydown', () => {
    probe.t0 = performance.now();
    if (window.__socketTap) window.__socketTap.first = 0;
  }, true);
  new MutationObserver(probe.settle).observe(rows, { subtree: true, childList: true, characterData: true });
  window.__probe = probe;
})();
