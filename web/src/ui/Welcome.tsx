import { useEffect, useRef, useState } from "preact/hooks";
import { qrPath } from "../qr";
import { useModel } from "./context";
import { clockTime } from "./format";

function LinkQr({ code }: { code: string }) {
  const { size, path } = qrPath(code);
  // Four modules of quiet zone around the code, as scanners expect.
  return (
    <svg
      class="qr"
      data-testid="link-qr"
      data-code={code}
      viewBox={`-4 -4 ${size + 8} ${size + 8}`}
      role="img"
      aria-label="QR code of the link code"
      shape-rendering="crispEdges"
    >
      <rect x="-4" y="-4" width={size + 8} height={size + 8} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}

export function Welcome() {
  const model = useModel();
  const { busy, pinSentTo, link } = model.welcome;
  const [phone, setPhone] = useState("");
  const [pin, setPin] = useState("");
  const sms = model.config?.smsCaptureUrl;
  const pinInput = useRef<HTMLInputElement>(null);
  // The PIN is what comes next: the focus goes there as soon as it is asked for.
  useEffect(() => pinInput.current?.focus(), [pinSentTo]);
  return (
    <main class="welcome" data-testid="welcome">
      <h1>Use Checkmark in this browser</h1>
      <section class="card" aria-labelledby="register-heading">
        <h2 id="register-heading">Register a phone number</h2>
        <p class="hint">
          This browser becomes the number's primary device: a device that had the number before is signed out.
        </p>
        <form
          class="row"
          onSubmit={(event) => {
            event.preventDefault();
            void model.requestPin(phone);
          }}
        >
          <label for="register-phone">Phone number</label>
          <input
            id="register-phone"
            data-testid="register-phone"
            type="tel"
            autocomplete="tel"
            placeholder="+14155550101"
            value={phone}
            onInput={(event) => setPhone(event.currentTarget.value)}
          />
          <button type="submit" data-testid="register-submit" disabled={busy}>
            Send PIN
          </button>
        </form>
        {pinSentTo !== undefined && (
          <form
            class="row"
            onSubmit={(event) => {
              event.preventDefault();
              void model.verifyPin(pin);
            }}
          >
            <p class="hint" data-testid="pin-hint">
              {model.config?.localStack === true ? (
                <>
                  The PIN for {pinSentTo} is printed on the local stack's console
                  {sms !== undefined && (
                    <>
                      {" "}and listed at{" "}
                      <a href={sms} target="_blank" rel="noopener">
                        {sms}
                      </a>
                    </>
                  )}
                  .
                </>
              ) : (
                <>We sent a PIN by SMS to {pinSentTo}: type its 6 digits.</>
              )}
            </p>
            <label for="pin-input">PIN</label>
            <input
              id="pin-input"
              ref={pinInput}
              data-testid="pin-input"
              inputMode="numeric"
              autocomplete="one-time-code"
              maxLength={6}
              value={pin}
              onInput={(event) => setPin(event.currentTarget.value)}
            />
            <button type="submit" data-testid="pin-submit" disabled={busy}>
              Register
            </button>
          </form>
        )}
      </section>
      <section class="card" aria-labelledby="link-heading">
        <h2 id="link-heading">Or link this browser to your phone</h2>
        <p class="hint">Your phone stays the primary device; this browser becomes one of its linked devices.</p>
        <button type="button" data-testid="link-start" disabled={busy} onClick={() => void model.startLink()}>
          {link === undefined ? "Show a link code" : "Show a new code"}
        </button>
        {link !== undefined && (
          <div class="link">
            <LinkQr code={link.code} />
            <div>
              <p>
                Code: <code data-testid="link-code">{link.code}</code>
              </p>
              <p class="hint">
                Approve it on your phone (with the command line: <code>checkmark approve {link.code}</code>). It
                works until {clockTime(link.expiresAt)}, while this page stays open. Waiting for approval…
              </p>
            </div>
          </div>
        )}
      </section>
    </main>
  );
}
