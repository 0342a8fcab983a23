package io.checkmark.cli;

import io.checkmark.protocol.Presence;
import io.checkmark.protocol.TypingFrame;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The status line of a chat: who is typing in it; otherwise, one to one, whether the other is
 * online or when they were last seen. The terminal shows whole lines, so the chat prints the status
 * as a new line each time it changes (each method answers the line to print, if any) rather than
 * redrawing a header.
 */
final class ChatStatus {

  /**
   * A {@code typing} is shown this long unless another comes: the typing side repeats it every 3
   * seconds while its user types, and its {@code paused} may be lost with a connection.
   */
  static final Duration TYPING_SHOWN_FOR = Duration.ofSeconds(6);

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

  private final String peer;
  private final String group;
  private final Clock clock;
  private final Map<String, Instant> typingUntil = new LinkedHashMap<>();
  private Presence presence;
  private List<String> typersShown = List.of();
  private String shown = "";

  /**
   * @param peer the phone of a one-to-one chat, or null
   * @param group the group of a group chat, or null
   * @param clock now, in the zone the times are shown in
   */
  ChatStatus(String peer, String group, Clock clock) {
    this.peer = peer;
    this.group = group;
    this.clock = clock;
  }

  /** A typing frame; frames of other chats change nothing. */
  synchronized Optional<String> typing(TypingFrame frame) {
    boolean inThisChat =
        group == null
            ? frame.group() == null && frame.from().equals(peer)
            : group.equals(frame.group());
    if (!inThisChat) {
      return Optional.empty();
    }
    if ("typing".equals(frame.state())) {
      typingUntil.remove(frame.from());
      typingUntil.put(frame.from(), clock.instant().plus(TYPING_SHOWN_FOR));
      if (group == null) {
        // Typing needs a live connection; the last seen known before stays with it.
        presence = new Presence(peer, true, presence == null ? null : presence.lastSeen());
      }
    } else {
      typingUntil.remove(frame.from());
    }
    return changed();
  }

  /** A message in this chat from {@code phone}: they stopped typing it. */
  synchronized Optional<String> messageFrom(String phone) {
    typingUntil.remove(phone);
    return changed();
  }

  /** The peer's presence, as the server answered it. */
  synchronized Optional<String> presence(Presence answered) {
    presence = answered;
    return changed();
  }

  /** The time passed: a {@code typing} shown long enough without another is shown no more. */
  synchronized Optional<String> tick() {
    return changed();
  }

  private Optional<String> changed() {
    Instant now = clock.instant();
    typingUntil.values().removeIf(until -> !until.isAfter(now));
    List<String> typers = List.copyOf(typingUntil.keySet());
    String line;
    if (!typers.isEmpty()) {
      line = names(typers) + (typers.size() == 1 ? " is typing…" : " are typing…");
    } else if (presence != null) {
      line = presenceLine(presence, now);
    } else if (!typersShown.isEmpty()) {
      line = names(typersShown) + " stopped typing";
    } else {
      return Optional.empty();
    }
    typersShown = typers;
    if (line.equals(shown)) {
      return Optional.empty();
    }
    shown = line;
    return Optional.of(line);
  }

  /** "+1… online", "+1… last seen 14:02" (today), "… last seen 2026-12-03 14:02", "… hidden". */
  private String presenceLine(Presence known, Instant now) {
    if (known.online()) {
      return known.phone() + " online";
    }
    if (known.lastSeen() == null) {
      return known.phone() + " last seen hidden";
    }
    Instant seen = Instant.ofEpochMilli(known.lastSeen());
    boolean today =
        LocalDate.ofInstant(seen, clock.getZone())
            .equals(LocalDate.ofInstant(now, clock.getZone()));
    return known.phone()
        + " last seen "
        + (today ? TIME : DATE_TIME).withZone(clock.getZone()).format(seen);
  }

  private static String names(List<String> phones) {
    if (phones.size() == 1) {
      return phones.get(0);
    }
    return String.join(", ", phones.subList(0, phones.size() - 1))
        + " and "
        + phones.get(phones.size() - 1);
  }
}
