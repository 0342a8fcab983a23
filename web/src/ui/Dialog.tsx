import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

/** A modal dialog: its Close button takes the focus as it opens; Escape or Close ends it. */
export function Dialog(props: { testId: string; title: ComponentChildren; onClose: () => void; children: ComponentChildren }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  const heading = `${props.testId}-heading`;
  return (
    <div
      class="backdrop"
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          props.onClose();
        }
      }}
    >
      <section class="dialog card" data-testid={props.testId} role="dialog" aria-modal="true" aria-labelledby={heading}>
        <header class="dialog-head">
          <h2 id={heading}>{props.title}</h2>
          <button type="button" ref={close} onClick={() => props.onClose()}>
            Close
          </button>
        </header>
        {props.children}
      </section>
    </div>
  );
}
