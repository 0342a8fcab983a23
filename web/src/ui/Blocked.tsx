import { useEffect, useRef } from "preact/hooks";
import { useModel } from "./context";

/** The numbers this account blocked (as the server lists them), each with a way to unblock it. */
export function Blocked() {
  const model = useModel();
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  const phones = [...model.blocked].sort();
  return (
    <div
      class="backdrop"
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          model.closeBlocked();
        }
      }}
    >
      <section class="dialog card" data-testid="blocked" role="dialog" aria-modal="true" aria-labelledby="blocked-heading">
        <header class="dialog-head">
          <h2 id="blocked-heading">Blocked numbers</h2>
          <button type="button" ref={close} onClick={() => model.closeBlocked()}>
            Close
          </button>
        </header>
        {phones.length === 0 ? (
          <p class="hint">Nobody is blocked. Block a number from its conversation.</p>
        ) : (
          <ul class="devices">
            {phones.map((phone) => (
              <li key={phone} data-testid="blocked-item" data-phone={phone}>
                <span class="device-name">{phone}</span>
                <button type="button" data-testid="blocked-unblock" onClick={() => void model.setBlocked(phone, false)}>
                  Unblock
                </button>
              </li>
            ))}
          </ul>
        )}
        <p class="hint">A blocked number's messages and typing never reach you, and it sees no delivered or read tick.</p>
      </section>
    </div>
  );
}
