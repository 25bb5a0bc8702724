// Run in the bridge's page (executeAsyncScript): the same browser's bare WebSocket round trip, without a key
// event or a render. It opens a socket to `cat` in a new pty, sends one byte every 10 ms (a typist's pace)
// after the last echo came back, and answers the round trips in milliseconds. No Enter: the line stays within
// the terminal's 4,096-byte line buffer for up to 4,000 bytes, and nothing but the echo comes back.
const done = arguments[arguments.length - 1];
const count = arguments[0];
const socket = new WebSocket(`ws://${location.host}/pty?cmd=cat`);
socket.binaryType = 'arraybuffer';
const trips = [];
let sentAt = 0;
const send = () => {
  if (trips.length >= count) {
    socket.close();
    done(trips);
    return;
  }
  setTimeout(() => {
    sentAt = performance.now();
    socket.send(new Uint8Array([97]));
  }, 10);
};
socket.onmessage = () => {
  if (sentAt === 0) return;
  trips.push(performance.now() - sentAt);
  sentAt = 0;
  send();
};
socket.onopen = () => setTimeout(send, 200);
