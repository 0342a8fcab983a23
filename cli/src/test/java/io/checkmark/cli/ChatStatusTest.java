package io.checkmark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkmark.protocol.Presence;
import io.checkmark.protocol.TypingFrame;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** The chat's status line, on a clock the test moves. */
class ChatStatusTest {

  private static final String BOB = "+14155550001";
  private static final String CAROL = "+14155550002";
  private static final String DAVE = "+14155550003";
  private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
  private static final Instant NOON = ZonedDateTime.of(2026, 12, 4, 12, 0, 0, 0, ZONE).toInstant();

  private Instant now = NOON;
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneId getZone() {
          return ZONE;
        }

        @Override
        public Clock withZone(ZoneId zone) {
          throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
          return now;
        }
      };

  @Test
  void presenceShowsOnlineOrLastSeenInLocalTimeWithTheDateWhenNotToday() {
    long todayAt1402 = ZonedDateTime.of(2026, 12, 4, 14, 2, 0, 0, ZONE).toInstant().toEpochMilli();
    long yesterdayAt2359 =
        ZonedDateTime.of(2026, 12, 3, 23, 59, 0, 0, ZONE).toInstant().toEpochMilli();
    ChatStatus status = oneToOne();

    assertThat(status.presence(new Presence(BOB, true, null))).contains(BOB + " online");
    assertThat(status.presence(new Presence(BOB, false, todayAt1402)))
        .contains(BOB + " last seen 14:02");
    assertThat(status.presence(new Presence(BOB, false, yesterdayAt2359)))
        .contains(BOB + " last seen 2026-12-03 23:59");
    assertThat(status.presence(new Presence(BOB, false, null))).contains(BOB + " last seen hidden");
  }

  @Test
  void anUnchangedStatusIsNotShownAgain() {
    ChatStatus status = oneToOne();
    status.presence(new Presence(BOB, true, null));

    assertThat(status.presence(new Presence(BOB, true, null))).isEmpty();
    assertThat(status.tick()).isEmpty();
  }

  @Test
  void typingIsShownUntilPausedThenThePresenceAgain() {
    ChatStatus status = oneToOne();
    status.presence(new Presence(BOB, true, null));

    assertThat(status.typing(new TypingFrame(BOB, null, "typing"))).contains(BOB + " is typing…");
    assertThat(status.typing(new TypingFrame(BOB, null, "typing"))).as("still typing").isEmpty();
    assertThat(status.typing(new TypingFrame(BOB, null, "paused"))).contains(BOB + " online");
  }

  @Test
  void typingIsClearedSixSecondsAfterTheLastTypingFrame() {
    ChatStatus status = oneToOne();
    status.presence(new Presence(BOB, true, null));
    status.typing(new TypingFrame(BOB, null, "typing"));
    now = now.plusSeconds(4);
    status.typing(new TypingFrame(BOB, null, "typing"));

    now = now.plus(ChatStatus.TYPING_SHOWN_FOR).minusMillis(1);
    assertThat(status.tick()).as("6 s after the second, not the first").isEmpty();
    now = now.plusMillis(1);
    assertThat(status.tick()).contains(BOB + " online");
  }

  @Test
  void aMessageFromTheTypistEndsItsTyping() {
    ChatStatus status = oneToOne();
    status.presence(new Presence(BOB, true, null));
    status.typing(new TypingFrame(BOB, null, "typing"));

    assertThat(status.messageFrom(BOB)).contains(BOB + " online");
  }

  @Test
  void typingMeansOnlineAndKeepsTheLastSeenKnown() {
    ChatStatus status = oneToOne();
    status.presence(new Presence(BOB, false, NOON.minusSeconds(600).toEpochMilli()));

    status.typing(new TypingFrame(BOB, null, "typing"));

    assertThat(status.typing(new TypingFrame(BOB, null, "paused"))).contains(BOB + " online");
  }

  @Test
  void withoutAKnownPresenceTheEndOfTypingSaysWhoStopped() {
    ChatStatus group = new ChatStatus(null, "g-1", clock);

    assertThat(group.typing(new TypingFrame(BOB, "g-1", "typing"))).contains(BOB + " is typing…");
    assertThat(group.typing(new TypingFrame(BOB, "g-1", "paused")))
        .contains(BOB + " stopped typing");
    assertThat(group.tick()).as("said once").isEmpty();
  }

  @Test
  void inAGroupEveryMemberTypingIsNamed() {
    ChatStatus group = new ChatStatus(null, "g-1", clock);

    group.typing(new TypingFrame(BOB, "g-1", "typing"));
    assertThat(group.typing(new TypingFrame(CAROL, "g-1", "typing")))
        .contains(BOB + " and " + CAROL + " are typing…");
    assertThat(group.typing(new TypingFrame(DAVE, "g-1", "typing")))
        .contains(BOB + ", " + CAROL + " and " + DAVE + " are typing…");
    assertThat(group.typing(new TypingFrame(CAROL, "g-1", "paused")))
        .contains(BOB + " and " + DAVE + " are typing…");
  }

  @Test
  void typingInOtherChatsChangesNothing() {
    ChatStatus status = oneToOne();
    ChatStatus group = new ChatStatus(null, "g-1", clock);

    assertThat(status.typing(new TypingFrame(CAROL, null, "typing"))).as("another peer").isEmpty();
    assertThat(status.typing(new TypingFrame(BOB, "g-1", "typing"))).as("a group").isEmpty();
    assertThat(group.typing(new TypingFrame(BOB, null, "typing"))).as("one to one").isEmpty();
    assertThat(group.typing(new TypingFrame(BOB, "g-2", "typing"))).as("another group").isEmpty();
  }

  @Test
  void theTimeOfDayIsTheClocksZones() {
    ChatStatus utc = new ChatStatus(BOB, null, Clock.fixed(NOON, ZoneOffset.UTC));
    long at1402Berlin = ZonedDateTime.of(2026, 12, 4, 14, 2, 0, 0, ZONE).toInstant().toEpochMilli();

    assertThat(utc.presence(new Presence(BOB, false, at1402Berlin)))
        .contains(BOB + " last seen 13:02");
  }

  private ChatStatus oneToOne() {
    return new ChatStatus(BOB, null, clock);
  }
}
