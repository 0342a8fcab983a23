import { useEffect, useState } from "preact/hooks";
import type { Model } from "../model";
import { Chats } from "./Chats";
import { ModelContext } from "./context";
import { Welcome } from "./Welcome";

const STATE_TEXT = { connected: "Connected", connecting: "Connecting…", offline: "Offline: reconnecting" };

export function App({ model }: { model: Model }) {
  const [, setVersion] = useState(0);
  useEffect(() => model.subscribe(() => setVersion((version) => version + 1)), [model]);
  const unread = model.chats.reduce((sum, chat) => sum + chat.unread, 0);
  useEffect(() => {
    // Unread messages show in the tab's title, as the tab is often in the background.
    document.title = unread > 0 ? `(${unread}) Checkmark` : "Checkmark";
  }, [unread]);
  return (
    <ModelContext.Provider value={model}>
      <div class="app">
        <header class="topbar">
          <span class="brand">✓✓ Checkmark</span>
          <span
            class={`status status-${model.connectionState}`}
            data-testid="connection-status"
            data-state={model.connectionState}
            role="status"
          >
            {STATE_TEXT[model.connectionState]}
          </span>
        </header>
        {model.error !== undefined && (
          <p class="error-line" role="alert">
            <span data-testid="error-line">{model.error}</span>
            <button type="button" class="icon" aria-label="Dismiss the error" onClick={() => model.dismissError()}>
              ×
            </button>
          </p>
        )}
        {model.screen === "welcome" && <Welcome />}
        {model.screen === "chats" && <Chats />}
      </div>
    </ModelContext.Provider>
  );
}
