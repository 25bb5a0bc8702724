// The bare bridge's page: the same xterm.js and fit addon as the console, with the console's terminal options
// (so the renderer does the same work), attached to ws://<host>/pty?cmd=<name>. Output frames go straight to
// the terminal; keystrokes go out as binary frames and sizes as {"type":"resize"} text frames. Nothing else.
const term = new Terminal({
  screenReaderMode: true,
  cursorBlink: false,
  fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace',
  fontSize: 14,
  scrollback: 10000,
});
const fit = new FitAddon.FitAddon();
term.loadAddon(fit);
term.open(document.getElementById('terminal'));
// ?cols=&rows= gives the console's size, so that both terminals render the same grid; else it fits the window.
const params = new URLSearchParams(location.search);
if (params.get('cols') && params.get('rows')) term.resize(Number(params.get('cols')), Number(params.get('rows')));
else fit.fit();
const cmd = params.get('cmd') || 'sh';
const socket = new WebSocket(`ws://${location.host}/pty?cmd=${encodeURIComponent(cmd)}`);
socket.binaryType = 'arraybuffer';
const encoder = new TextEncoder();
const resize = () => socket.send(JSON.stringify({ type: 'resize', cols: term.cols, rows: term.rows }));
socket.onopen = () => {
  resize();
  document.body.dataset.status = 'live';
};
socket.onmessage = (event) => term.write(new Uint8Array(event.data));
term.onData((data) => socket.send(encoder.encode(data)));
term.onResize(resize);
term.focus();
