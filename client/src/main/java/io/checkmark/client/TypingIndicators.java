package io.checkmark.client;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The debounce between an app's keystrokes and the typing frames they cause, per chat: {@code
 * typing} at the first keystroke and again at most once per {@code repeatEvery} while keystrokes go
 * on (so that the other side, which forgets a {@code typing} after a few seconds, keeps showing
 * it), and {@code paused} once, {@code pausedAfter} after the last keystroke or at once when the
 * app says the user stopped. A chat's state is dropped with its {@code paused}.
 */
final class TypingIndicators {

  /** A one-to-one chat ({@code "to"}, a phone) or a group ({@code "group"}, its id). */
  record Chat(String field, String address) {}

  /** Writes one typing frame, fire and forget. */
  @FunctionalInterface
  interface Sender {
    void send(Chat chat, String state);
  }

  private final ScheduledExecutorService timers;
  private final Sender sender;
  private final long repeatEveryNanos;
  private final long pausedAfterNanos;
  private final Map<Chat, Typing> typing = new HashMap<>();

  TypingIndicators(
      ScheduledExecutorService timers, Sender sender, Duration repeatEvery, Duration pausedAfter) {
    this.timers = timers;
    this.sender = sender;
    this.repeatEveryNanos = repeatEvery.toNanos();
    this.pausedAfterNanos = pausedAfter.toNanos();
  }

  /** A keystroke in {@code chat}. */
  synchronized void keystroke(Chat chat) {
    long now = System.nanoTime();
    Typing current = typing.get(chat);
    if (current == null) {
      current = new Typing(now);
      if (!schedulePauseCheck(chat, current, pausedAfterNanos)) {
        return;
      }
      typing.put(chat, current);
      sender.send(chat, "typing");
    } else if (now - current.sentAt >= repeatEveryNanos) {
      current.sentAt = now;
      sender.send(chat, "typing");
    }
    current.lastKeystroke = now;
  }

  /**
   * The user stopped typing in {@code chat}: {@code paused} at once, if {@code typing} was sent.
   */
  synchronized void stopped(Chat chat) {
    Typing current = typing.remove(chat);
    if (current != null) {
      current.pauseCheck.cancel(false);
      sender.send(chat, "paused");
    }
  }

  /**
   * One timer per chat, not one per keystroke: when it fires early (keystrokes came since it was
   * set), it is set again for the idle time still missing.
   */
  private synchronized void pauseIfIdle(Chat chat, Typing state) {
    if (typing.get(chat) != state) {
      // Stopped meanwhile; a newer state has a timer of its own.
      return;
    }
    long idle = System.nanoTime() - state.lastKeystroke;
    if (idle >= pausedAfterNanos) {
      typing.remove(chat);
      sender.send(chat, "paused");
    } else if (!schedulePauseCheck(chat, state, pausedAfterNanos - idle)) {
      typing.remove(chat);
    }
  }

  /** False once the client is closed, when no timer can be set and nothing is sent any more. */
  private boolean schedulePauseCheck(Chat chat, Typing state, long delayNanos) {
    try {
      state.pauseCheck =
          timers.schedule(() -> pauseIfIdle(chat, state), delayNanos, TimeUnit.NANOSECONDS);
      return true;
    } catch (RejectedExecutionException closed) {
      return false;
    }
  }

  private static final class Typing {
    private long sentAt;
    private long lastKeystroke;
    private ScheduledFuture<?> pauseCheck;

    Typing(long now) {
      this.sentAt = now;
      this.lastKeystroke = now;
    }
  }
}
