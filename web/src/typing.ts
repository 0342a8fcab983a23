// The debounce between keystrokes and the typing frames they cause, per chat, as the Java SDK's
// TypingIndicators: `typing` at the first keystroke and again at most once per `repeatEveryMs`
// while keystrokes go on (the other side forgets a `typing` after a few seconds), and `paused` once,
// `pausedAfterMs` after the last keystroke, or at once when the user stopped (sent, or cleared).

/** Time and timers, given so that tests can move time by hand. */
export interface Clock {
  now(): number;
  setTimeout(task: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (task, delayMs) => setTimeout(task, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface Typing {
  sentAt: number;
  lastKeystroke: number;
  pauseCheck: unknown;
}

export class TypingIndicators<Chat> {
  private readonly typing = new Map<Chat, Typing>();

  constructor(
    private readonly send: (chat: Chat, state: "typing" | "paused") => void,
    private readonly repeatEveryMs = 3_000,
    private readonly pausedAfterMs = 5_000,
    private readonly clock: Clock = systemClock,
  ) {}

  keystroke(chat: Chat): void {
    const now = this.clock.now();
    const current = this.typing.get(chat);
    if (current === undefined) {
      const started: Typing = { sentAt: now, lastKeystroke: now, pauseCheck: undefined };
      this.typing.set(chat, started);
      this.schedulePauseCheck(chat, started, this.pausedAfterMs);
      this.send(chat, "typing");
      return;
    }
    if (now - current.sentAt >= this.repeatEveryMs) {
      current.sentAt = now;
      this.send(chat, "typing");
    }
    current.lastKeystroke = now;
  }

  stopped(chat: Chat): void {
    const current = this.typing.get(chat);
    if (current !== undefined) {
      this.typing.delete(chat);
      this.clock.clearTimeout(current.pauseCheck);
      this.send(chat, "paused");
    }
  }

  /**
   * One timer per chat, not one per keystroke: when it fires early (keystrokes came since it was
   * set), it is set again for the idle time still missing.
   */
  private pauseIfIdle(chat: Chat, state: Typing): void {
    if (this.typing.get(chat) !== state) {
      return;
    }
    const idle = this.clock.now() - state.lastKeystroke;
    if (idle >= this.pausedAfterMs) {
      this.typing.delete(chat);
      this.send(chat, "paused");
    } else {
      this.schedulePauseCheck(chat, state, this.pausedAfterMs - idle);
    }
  }

  private schedulePauseCheck(chat: Chat, state: Typing, delayMs: number): void {
    state.pauseCheck = this.clock.setTimeout(() => this.pauseIfIdle(chat, state), delayMs);
  }
}
