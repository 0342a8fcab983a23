import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { isGroup } from "../history";
import {
  afterChange,
  atNewest,
  newestWindow,
  towardsNewer,
  towardsOlder,
  type MessageWindow,
} from "../messageWindow";
import type { Model } from "../model";
import type { OutStatus, Peer, StoredMessage } from "../store";
import { useModel } from "./context";
import { clockTime, fileSize, presenceText } from "./format";

const TICKS: Record<OutStatus, string> = { pending: "🕓", accepted: "✓", delivered: "✓✓", read: "✓✓", failed: "!" };
const TICK_LABELS: Record<OutStatus, string> = {
  pending: "Sending",
  accepted: "Sent",
  delivered: "Delivered",
  read: "Read",
  failed: "Not sent",
};

function MediaView({ message }: { message: StoredMessage }) {
  const model = useModel();
  const media = message.media!;
  const opened = model.media.get(message.key);
  const loading = model.mediaLoading.has(message.key);
  const open = (event: Event) => {
    // In a group, a click on the message itself shows its receipts: not this one.
    event.stopPropagation();
    void model.openMedia(message);
  };
  if (opened !== undefined) {
    return opened.image ? (
      <img class="media" data-testid="media-full" src={opened.url} alt={opened.name} />
    ) : (
      <a class="file" data-testid="media-download" href={opened.url} download={opened.name}>
        ⬇ Save {opened.name}
      </a>
    );
  }
  if (media.mediaId === undefined && media.url !== undefined) {
    return (
      <a class="file" href={media.url} target="_blank" rel="noopener noreferrer">
        Open the attachment
      </a>
    );
  }
  const label = loading ? "Fetching…" : message.media?.mediaId === undefined ? "Uploading…" : undefined;
  return media.thumbnail !== undefined ? (
    <button type="button" class="thumb" onClick={open} aria-label={`Open ${media.name ?? "the image"}`}>
      <img data-testid="media-thumbnail" src={`data:image/jpeg;base64,${media.thumbnail}`} alt="Preview" />
      {label !== undefined && <span class="thumb-label">{label}</span>}
    </button>
  ) : (
    <button type="button" class="file" data-testid="media-file" onClick={open}>
      📎 {media.name ?? "File"} {fileSize(media.size)}
      {label !== undefined && ` · ${label}`}
    </button>
  );
}

function memberStatus(message: StoredMessage, phone: string): OutStatus {
  if (message.readBy?.includes(phone)) {
    return "read";
  }
  if (message.deliveredTo?.includes(phone)) {
    return "delivered";
  }
  return message.status === "pending" || message.status === "failed" ? message.status : "accepted";
}

/** Starts watching an element for the read receipts; the function returned stops it. */
type Watch = (element: HTMLElement) => () => void;

function MessageView({ message, watch }: { message: StoredMessage; watch: Watch }) {
  const model = useModel();
  const item = useRef<HTMLLIElement>(null);
  const incoming = message.direction === "in";
  useEffect(() => (incoming ? watch(item.current!) : undefined), [incoming, watch]);
  const group = isGroup(message.peer);
  const out = message.direction === "out";
  const status = message.status ?? "accepted";
  const progress = message.clientId === undefined ? undefined : model.uploads.get(message.clientId);
  const detailsShown = model.receiptDetailsKey === message.key;
  const showsReceipts = group && out;
  const toggleDetails = () => model.toggleReceiptDetails(message.key);
  return (
    <li
      class={`message ${message.direction}`}
      data-testid="message"
      data-message-id={message.messageId ?? message.clientId}
      data-direction={message.direction}
      data-status={out ? status : undefined}
      data-key={message.key}
      ref={item}
      tabIndex={showsReceipts ? 0 : undefined}
      aria-expanded={showsReceipts ? detailsShown : undefined}
      onClick={showsReceipts ? toggleDetails : undefined}
      onKeyDown={
        showsReceipts
          ? (event) => {
              if (event.target === event.currentTarget && (event.key === "Enter" || event.key === " ")) {
                event.preventDefault();
                toggleDetails();
              }
            }
          : undefined
      }
    >
      {group && !out && <span class="sender">{message.from}</span>}
      {message.media !== undefined && <MediaView message={message} />}
      <p class="body" data-testid="message-body">
        {message.body ?? ""}
      </p>
      {progress !== undefined && (
        <progress data-testid="upload-progress" max={1} value={progress} aria-label="Upload" />
      )}
      <span class="meta">
        <time dateTime={new Date(message.ts).toISOString()}>{clockTime(message.ts)}</time>
        {out && (
          <span
            class={`ticks ${status === "read" ? "read" : ""}`}
            data-testid="ticks"
            title={message.failure ?? TICK_LABELS[status]}
            aria-label={TICK_LABELS[status]}
          >
            {TICKS[status]}
          </span>
        )}
      </span>
      {detailsShown && (
        <ul class="receipt-details" data-testid="receipt-details" aria-label="Receipts">
          {(message.recipients ?? []).map((phone) => {
            const memberState = memberStatus(message, phone);
            return (
              <li key={phone} data-testid="receipt-member" data-phone={phone} data-status={memberState}>
                {phone}: {TICK_LABELS[memberState].toLowerCase()}
              </li>
            );
          })}
        </ul>
      )}
    </li>
  );
}

/**
 * Read receipts go for incoming messages that are on screen while the tab is visible: the
 * observer keeps which of the rendered messages are on screen, and a tab coming back to view
 * counts them again. A message leaving the DOM (the window moved on) stops being watched.
 */
function useReadReceipts(model: Model, shown: StoredMessage[]): Watch {
  const onScreen = useRef(new Set<string>());
  const observer = useRef<IntersectionObserver>();
  const rendered = useRef(shown);
  rendered.current = shown;
  const report = useRef(() => {
    if (document.visibilityState !== "visible") {
      return;
    }
    for (const message of rendered.current) {
      if (onScreen.current.has(message.key)) {
        model.seen(message);
      }
    }
  }).current;
  const watch = useRef<Watch>((element) => {
    observer.current ??= new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const key = (entry.target as HTMLElement).dataset.key!;
          if (entry.isIntersecting) {
            onScreen.current.add(key);
          } else {
            onScreen.current.delete(key);
          }
        }
        report();
      },
      { threshold: 0.1 },
    );
    observer.current.observe(element);
    return () => {
      observer.current?.unobserve(element);
      onScreen.current.delete(element.dataset.key!);
    };
  }).current;
  useEffect(() => {
    document.addEventListener("visibilitychange", report);
    return () => {
      observer.current?.disconnect();
      document.removeEventListener("visibilitychange", report);
    };
  }, [model]);
  useEffect(report);
  return watch;
}

/** How close to an end of the list (CSS pixels) the reader gets before the window slides. */
const SLIDE_AT_PX = 400;

/**
 * The slice of the conversation in the DOM (see messageWindow.ts), slid as the reader scrolls near
 * either end. A slide keeps the message the reader was looking at in the same place on screen.
 */
function useMessageWindow(messages: StoredMessage[], list: { current: HTMLOListElement | null }) {
  const count = messages.length;
  const window = useRef<MessageWindow>(newestWindow(count));
  const counted = useRef(count);
  const anchor = useRef<{ key: string; offset: number }>();
  const toBottom = useRef(false);
  const lastTop = useRef(0);
  const [, slid] = useState(0);
  if (counted.current !== count) {
    window.current = afterChange(window.current, counted.current, count);
    counted.current = count;
  }
  const slide = (next: MessageWindow, keep: StoredMessage | undefined) => {
    const element = keep === undefined ? null : list.current?.querySelector<HTMLElement>(`[data-key="${CSS.escape(keep.key)}"]`);
    if (element != null && list.current !== null) {
      anchor.current = {
        key: keep!.key,
        offset: element.getBoundingClientRect().top - list.current.getBoundingClientRect().top,
      };
    }
    window.current = next;
    slid((version) => version + 1);
  };
  const onScroll = () => {
    const element = list.current;
    if (element === null) {
      return;
    }
    const top = element.scrollTop;
    const upwards = top < lastTop.current;
    lastTop.current = top;
    const current = window.current;
    if (upwards && top < SLIDE_AT_PX && current.start > 0) {
      slide(towardsOlder(current), messages[current.start]);
    } else if (!upwards && element.scrollHeight - top - element.clientHeight < SLIDE_AT_PX && !atNewest(current, count)) {
      slide(towardsNewer(current, count), messages[current.end - 1]);
    }
  };
  useLayoutEffect(() => {
    const kept = anchor.current;
    const element = list.current;
    anchor.current = undefined;
    if (toBottom.current && element !== null) {
      toBottom.current = false;
      element.scrollTop = element.scrollHeight;
      lastTop.current = element.scrollTop;
      return;
    }
    if (kept === undefined || element === null) {
      return;
    }
    const again = element.querySelector<HTMLElement>(`[data-key="${CSS.escape(kept.key)}"]`);
    if (again !== null) {
      element.scrollTop += again.getBoundingClientRect().top - element.getBoundingClientRect().top - kept.offset;
      lastTop.current = element.scrollTop;
    }
  });
  /** Back to the newest, before this device adds a message of its own there. */
  const toNewest = () => {
    if (!atNewest(window.current, count)) {
      window.current = newestWindow(count);
      toBottom.current = true;
      slid((version) => version + 1);
    }
  };
  return {
    shown: messages.slice(window.current.start, window.current.end),
    following: atNewest(window.current, count),
    onScroll,
    toNewest,
  };
}

function Composer({ peer, beforeSend }: { peer: Peer; beforeSend: () => void }) {
  const model = useModel();
  const [text, setText] = useState("");
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => input.current?.focus(), [peer]);
  const send = () => {
    if (text.trim() === "") {
      return;
    }
    // What one sends shows at once, wherever one had scrolled to.
    beforeSend();
    void model.sendText(text);
    setText("");
  };
  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <label class="attach button" title="Attach a photo or file">
        <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
          <path
            d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5"
            fill="none"
            stroke="currentColor"
            stroke-width="1.6"
            stroke-linecap="round"
          />
        </svg>
        <span class="visually-hidden">Attach a photo or file</span>
        <input
          type="file"
          data-testid="attach-input"
          class="visually-hidden"
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            event.currentTarget.value = "";
            if (file !== undefined) {
              void model.sendFile(file);
            }
          }}
        />
      </label>
      <label for="composer-input" class="visually-hidden">
        Message
      </label>
      <textarea
        id="composer-input"
        ref={input}
        data-testid="composer-input"
        rows={1}
        placeholder="Type a message"
        value={text}
        onInput={(event) => {
          setText(event.currentTarget.value);
          model.keystroke(event.currentTarget.value);
        }}
        onKeyDown={(event) => {
          if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            send();
          }
        }}
      />
      <button type="submit" data-testid="composer-send">
        Send
      </button>
    </form>
  );
}

export function Conversation({ peer }: { peer: Peer }) {
  const model = useModel();
  const chat = model.chatOf(peer);
  const group = isGroup(peer);
  const typingFrom = model.typing.get(peer);
  const list = useRef<HTMLOListElement>(null);
  const { shown, following, onScroll, toNewest } = useMessageWindow(model.messages, list);
  const watch = useReadReceipts(model, shown);
  const [dropping, setDropping] = useState(false);
  const lastKey = model.messages[model.messages.length - 1]?.key;
  useLayoutEffect(() => {
    // The newest message in view, as a chat app opens and follows a conversation; a reader further
    // back stays where they are.
    if (following) {
      list.current?.scrollTo({ top: list.current.scrollHeight });
    }
  }, [lastKey]);
  const presence =
    !group && model.presence !== undefined && model.presence.phone === peer
      ? presenceText(model.presence.online, model.presence.lastSeen)
      : "";
  return (
    <section
      class={`conversation ${dropping ? "dropping" : ""}`}
      data-testid="conversation"
      data-peer={peer}
      aria-label={`Conversation with ${chat?.name ?? peer}`}
      onKeyDown={(event) => {
        // Escape leaves the conversation, as the back arrow does.
        if (event.key === "Escape" && !event.defaultPrevented) {
          event.preventDefault();
          model.closeChat();
        }
      }}
      onDragOver={(event) => {
        event.preventDefault();
        setDropping(true);
      }}
      onDragLeave={() => setDropping(false)}
      onDrop={(event) => {
        event.preventDefault();
        setDropping(false);
        const file = event.dataTransfer?.files[0];
        if (file !== undefined) {
          void model.sendFile(file);
        }
      }}
    >
      <header class="conversation-head">
        <button type="button" class="back icon" aria-label="Back to the chats" onClick={() => model.closeChat()}>
          ←
        </button>
        <div class="who">
          <h2 data-testid="conversation-title">{chat?.name ?? peer}</h2>
          <span class="presence" data-testid="presence">
            {presence}
          </span>
          {typingFrom !== undefined && (
            <span class="typing" data-testid="typing-indicator">
              {group ? `${typingFrom} is typing…` : "typing…"}
            </span>
          )}
        </div>
        {group ? (
          <button
            type="button"
            data-testid="group-info"
            aria-expanded={model.groupInfoOpen}
            onClick={() => void model.toggleGroupInfo()}
          >
            Group info
          </button>
        ) : (
          <button type="button" data-testid="block-toggle" onClick={() => void model.toggleBlock()}>
            {model.blocked.has(peer) ? "Unblock" : "Block"}
          </button>
        )}
      </header>
      {group && model.groupInfoOpen && (
        <aside class="group-info card" aria-label="Group members">
          <h3>Members</h3>
          <ul>
            {(chat?.members ?? []).map((phone) => (
              <li key={phone} data-testid="group-member" data-phone={phone}>
                {phone === model.credentials?.phone ? `${phone} (you)` : phone}
                {chat?.admins?.includes(phone) ? " · admin" : ""}
              </li>
            ))}
          </ul>
        </aside>
      )}
      {!group && model.blocked.has(peer) && (
        <p class="notice hint">You blocked this number: its messages do not reach you.</p>
      )}
      <ol class="messages" ref={list} aria-label="Messages" onScroll={onScroll}>
        {shown.map((message) => (
          <MessageView key={message.key} message={message} watch={watch} />
        ))}
      </ol>
      <Composer peer={peer} beforeSend={toNewest} />
    </section>
  );
}
