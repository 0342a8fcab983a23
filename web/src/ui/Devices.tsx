import { useState } from "preact/hooks";
import { useModel } from "./context";
import { Dialog } from "./Dialog";
import { chatTime, clockTime } from "./format";

function lastSeen(ts: number | undefined): string {
  if (ts === undefined) {
    return "not seen since it was linked";
  }
  return `last seen ${chatTime(ts)}${chatTime(ts) === clockTime(ts) ? "" : ` ${clockTime(ts)}`}`;
}

export function Devices() {
  const model = useModel();
  const me = model.credentials;
  const [code, setCode] = useState("");
  return (
    <Dialog testId="devices" title={<>Devices of {me?.phone}</>} onClose={() => model.closeDevices()}>
    {model.devices === undefined ? (
      <p class="hint">Loading…</p>
    ) : (
      <ul class="devices">
        {model.devices.map((device) => {
          const primary = device.deviceId === 1;
          const itself = device.deviceId === me?.deviceId;
          // The primary may unlink any linked device; a linked device only itself.
          const unlinkable = !primary && (me?.deviceId === 1 || itself);
          return (
            <li key={device.deviceId} data-testid="device-item" data-device-id={device.deviceId}>
              <span class="device-name">
                {primary ? "Primary device" : device.name ?? `Device ${device.deviceId}`}
                {itself ? " (this browser)" : ""}
              </span>
              <span class="hint">{lastSeen(device.lastSeen)}</span>
              {unlinkable && (
                <button
                  type="button"
                  data-testid="device-unlink"
                  data-device-id={device.deviceId}
                  onClick={() => void model.unlinkDevice(device.deviceId)}
                >
                  {itself ? "Unlink this browser" : "Unlink"}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    )}
    {me?.deviceId === 1 && (
      <form
        class="row approve"
        onSubmit={(event) => {
          event.preventDefault();
          void model.approveLink(code).then(() => {
            if (model.error === undefined) {
              setCode("");
            }
          });
        }}
      >
        <label for="link-approve-code">Link a device: its code</label>
        <input
          id="link-approve-code"
          data-testid="link-approve-code"
          autocomplete="off"
          value={code}
          onInput={(event) => setCode(event.currentTarget.value)}
        />
        <button type="submit" data-testid="link-approve-submit">
          Approve
        </button>
      </form>
    )}
    </Dialog>
  );
}
