import { useModel } from "./context";
import { Dialog } from "./Dialog";

/** The numbers this account blocked (as the server lists them), each with a way to unblock it. */
export function Blocked() {
  const model = useModel();
  const phones = [...model.blocked].sort();
  return (
    <Dialog testId="blocked" title="Blocked numbers" onClose={() => model.closeBlocked()}>
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
    </Dialog>
  );
}
