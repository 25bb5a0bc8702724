import { useState } from 'preact/hooks';

// The keys a phone's on-screen keyboard lacks, as the bytes a terminal sends for them. Ctrl opens a row of
// the letters used with it most (^C, ^D, ^Z, ...): the phone keyboard's own keys go straight to xterm, so a
// sticky Ctrl could not reach them.

const ESC = '\x1b';
const KEYS: { label: string; name: string; bytes: string }[] = [
  { label: 'Esc', name: 'Escape', bytes: ESC },
  { label: 'Tab', name: 'Tab', bytes: '\t' },
  { label: '←', name: 'Left', bytes: `${ESC}[D` },
  { label: '↑', name: 'Up', bytes: `${ESC}[A` },
  { label: '↓', name: 'Down', bytes: `${ESC}[B` },
  { label: '→', name: 'Right', bytes: `${ESC}[C` },
];
const CTRL_LETTERS = ['c', 'd', 'z', 'l', 'r', 'a', 'e', 'u', 'w', 'b'];

/** Ctrl+letter as the terminal sends it: the letter's code with the top bits cleared (Ctrl+C is 0x03). */
export function control(letter: string): string {
  return String.fromCharCode(letter.toUpperCase().charCodeAt(0) & 0x1f);
}

export function KeyBar({ send }: { send: (bytes: string) => void }) {
  const [ctrl, setCtrl] = useState(false);
  return (
    <div class="key-bar" role="toolbar" aria-label="Terminal keys" data-testid="key-bar">
      {KEYS.map((k) => (
        <button type="button" key={k.name} aria-label={k.name} data-key={k.name} onClick={() => send(k.bytes)}>
          {k.label}
        </button>
      ))}
      <button
        type="button"
        aria-pressed={ctrl}
        data-key="Ctrl"
        onClick={() => setCtrl(!ctrl)}
        title="Ctrl, then a letter"
      >
        Ctrl
      </button>
      {ctrl &&
        CTRL_LETTERS.map((letter) => (
          <button
            type="button"
            key={letter}
            aria-label={`Ctrl+${letter.toUpperCase()}`}
            data-key={`Ctrl+${letter.toUpperCase()}`}
            onClick={() => {
              send(control(letter));
              setCtrl(false);
            }}
          >
            {letter.toUpperCase()}
          </button>
        ))}
    </div>
  );
}
