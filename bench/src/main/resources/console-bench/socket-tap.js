// Evaluated before any script of a page (the console's or the bridge's): every WebSocket the page opens also
// notes, before the page's own handlers run, when a message reached the page. The probe reads the first such
// time after a key, which splits a key's echo into the trip to the page and the render after it.
(() => {
  const Native = window.WebSocket;
  const tap = { first: 0 };
  window.__socketTap = tap;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => {
        if (tap.first === 0) tap.first = performance.now();
      });
    }
  };
})();
