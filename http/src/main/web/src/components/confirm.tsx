import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/**
 * An inline question before an action that changes a run: the action's button names what happens, and
 * Escape or "Keep it" backs out. Inline rather than window.confirm, so it reads the same on a phone and
 * keyboard focus lands on it.
 */
export function ConfirmBar({
  question,
  yes,
  onYes,
  onNo,
  children,
}: {
  question: string;
  yes: string;
  onYes: () => void;
  onNo: () => void;
  children?: ComponentChildren;
}) {
  const first = useRef<HTMLDivElement>(null);
  // Focus the question's first control once, when it appears (not on every keystroke in its input).
  useEffect(() => first.current?.querySelector<HTMLElement>('input, select, button')?.focus(), []);
  return (
    <div
      class="confirm"
      role="alertdialog"
      aria-label={question}
      data-testid="confirm"
      ref={first}
      onKeyDown={(e) => e.key === 'Escape' && onNo()}
    >
      <span>{question}</span>
      {children}
      <button type="button" class="danger" onClick={onYes} data-testid="confirm-yes">
        {yes}
      </button>
      <button type="button" onClick={onNo} data-testid="confirm-no">
        Keep it
      </button>
    </div>
  );
}
