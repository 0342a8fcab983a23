import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { isGroup } from "../history";
import { Blocked } from "./Blocked";
import { Conversation } from "./Conversation";
import { useModel } from "./context";
import { Devices } from "./Devices";
import { chatTime } from "./format";

/** A group's first letter, or a phone's last two digits: something to tell chats apart at a glance. */
function avatarText(peer: string, name: string): string {
  return isGroup(peer) ? (name.trim()[0] ?? "G").toUpperCase() : peer.slice(-2);
}

function GroupForm() {
  const model = useModel();
  const [name, setName] = useState("");
  const [members, setMembers] = useState("");
  return (
    <form
      class="card stack"
      data-testid="group-form"
      onSubmit={(event) => {
        event.preventDefault();
        void model.createGroup(name, members);
      }}
    >
      <label for="group-name">Group name</label>
      <input
        id="group-name"
        data-testid="group-name"
        maxLength={100}
        value={name}
        onInput={(event) => setName(event.currentTarget.value)}
      />
      <label for="group-members">Members (phone numbers, separated by commas)</label>
      <input
        id="group-members"
        data-testid="group-members"
        type="text"
        placeholder="+14155550102, +14155550103"
        value={members}
        onInput={(event) => setMembers(event.currentTarget.value)}
      />
      <button type="submit" data-testid="group-create-submit">
        Create group
      </button>
    </form>
  );
}

function ChatList() {
  const model = useModel();
  const [phone, setPhone] = useState("");
  const me = model.credentials;
  return (
    <section class="sidebar" aria-label="Chats">
      <div class="sidebar-head">
        <span class="me">
          {me?.phone}
          {me !== undefined && me.deviceId !== 1 && <span class="hint"> · linked device {me.deviceId}</span>}
        </span>
        <button type="button" data-testid="devices-open" onClick={() => void model.openDevices()}>
          Devices
        </button>
        <button type="button" data-testid="blocked-open" onClick={() => model.openBlocked()}>
          Blocked
        </button>
        <button
          type="button"
          data-testid="group-create"
          aria-expanded={model.groupFormOpen}
          onClick={() => model.toggleGroupForm()}
        >
          New group
        </button>
      </div>
      <form
        class="row new-chat"
        onSubmit={(event) => {
          event.preventDefault();
          void model.newChat(phone).then(() => {
            if (model.openPeer !== undefined && model.error === undefined) {
              setPhone("");
            }
          });
        }}
      >
        <label for="new-chat-phone">New chat</label>
        <input
          id="new-chat-phone"
          data-testid="new-chat-phone"
          type="tel"
          placeholder="+14155550102"
          value={phone}
          onInput={(event) => setPhone(event.currentTarget.value)}
        />
        <button type="submit" data-testid="new-chat-submit">
          Chat
        </button>
      </form>
      {model.groupFormOpen && <GroupForm />}
      <ul class="chat-list" data-testid="chat-list" data-ready="true">
        {model.chats.length === 0 && <li class="empty hint">No chats yet: start one with a phone number.</li>}
        {model.chats.map((chat) => (
          <li key={chat.peer}>
            <button
              type="button"
              class="chat-item"
              data-testid="chat-item"
              data-peer={chat.peer}
              aria-current={chat.peer === model.openPeer ? "true" : undefined}
              onClick={() => model.openChat(chat.peer)}
            >
              <span class={`avatar ${isGroup(chat.peer) ? "group" : ""}`} aria-hidden="true">
                {avatarText(chat.peer, chat.name)}
              </span>
              <span class="chat-name" data-testid="chat-name">
                {chat.name}
              </span>
              <span class="chat-time" data-testid="chat-time">
                {chatTime(chat.lastTs)}
              </span>
              <span class="chat-last" data-testid="chat-last">
                {chat.lastText}
              </span>
              {chat.unread > 0 && (
                <span class="chat-unread" data-testid="chat-unread" aria-label={`${chat.unread} unread`}>
                  {chat.unread}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function Chats() {
  const model = useModel();
  const shownPeer = useRef(model.openPeer);
  useLayoutEffect(() => {
    const closed = shownPeer.current;
    shownPeer.current = model.openPeer;
    // A closed conversation took the focus with it: it goes back to that chat in the list, so a
    // keyboard user carries on from where they were.
    if (closed !== undefined && model.openPeer === undefined && document.activeElement === document.body) {
      document
        .querySelector<HTMLElement>(`[data-testid="chat-item"][data-peer="${CSS.escape(closed)}"]`)
        ?.focus();
    }
  });
  return (
    <main class={`panes ${model.openPeer === undefined ? "" : "has-conversation"}`}>
      <ChatList />
      <section class="main-pane">
        {model.openPeer === undefined ? (
          <p class="placeholder hint">Pick a chat, or start one with a phone number.</p>
        ) : (
          <Conversation key={model.openPeer} peer={model.openPeer} />
        )}
      </section>
      {model.devicesOpen && <Devices />}
      {model.blockedOpen && <Blocked />}
    </main>
  );
}
