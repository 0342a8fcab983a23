package io.checkmark.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.checkmark.protocol.Presence;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Presence, the last-seen setting and blocking: each request's frame, reply and refusals. */
class PresenceAndBlockingTest {

  private static final String BOB = "+14155550001";
  private static final String CAROL = "+14155550002";

  private ScriptedServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = new ScriptedServer();
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
  }

  @Test
  void presenceAsksForThePhoneAndCompletesWithOnlineAndLastSeen() throws Exception {
    try (CheckmarkClient client = connected()) {
      CompletableFuture<Presence> presence = client.presence(BOB);

      ScriptedServer.Received request = server.next("presence");
      assertThat(request.frame().path("phone").asText()).isEqualTo(BOB);
      assertThat(presence).isNotDone();
      server.reply(
          request,
          "{\"type\":\"presence\",\"phone\":\""
              + BOB
              + "\",\"online\":false,\"lastSeen\":1796387520000}");

      assertThat(presence.get(5, TimeUnit.SECONDS))
          .isEqualTo(new Presence(BOB, false, 1796387520000L));
    }
  }

  @Test
  void aHiddenLastSeenIsNull() throws Exception {
    try (CheckmarkClient client = connected()) {
      CompletableFuture<Presence> presence = client.presence(BOB);

      server.reply(
          server.next("presence"),
          "{\"type\":\"presence\",\"phone\":\"" + BOB + "\",\"online\":true,\"lastSeen\":null}");

      assertThat(presence.get(5, TimeUnit.SECONDS)).isEqualTo(new Presence(BOB, true, null));
    }
  }

  @Test
  void presenceOfAnUnregisteredNumberFailsWithUnknownRecipient() throws Exception {
    try (CheckmarkClient client = connected()) {
      CompletableFuture<Presence> presence = client.presence(BOB);

      server.reply(
          server.next("presence"),
          "{\"type\":\"error\",\"code\":\"UNKNOWN_RECIPIENT\",\"message\":\"no one is registered as "
              + BOB
              + "\",\"action\":\"presence\"}");

      CheckmarkException refused = refusal(presence);
      assertThat(refused.code()).isEqualTo("UNKNOWN_RECIPIENT");
      assertThat(refused).hasMessage("UNKNOWN_RECIPIENT: no one is registered as " + BOB);
    }
  }

  @Test
  void presenceAskedTooOftenFailsWithRateLimitedAndWhenToAskAgain() throws Exception {
    try (CheckmarkClient client = connected()) {
      CompletableFuture<Presence> presence = client.presence(BOB);

      server.reply(
          server.next("presence"),
          "{\"type\":\"error\",\"code\":\"RATE_LIMITED\",\"message\":\"too many\",\"action\":\"presence\",\"retryAfterSeconds\":42}");

      CheckmarkException refused = refusal(presence);
      assertThat(refused.code()).isEqualTo("RATE_LIMITED");
      assertThat(refused.retryAfterSeconds()).isEqualTo(42);
    }
  }

  @ParameterizedTest
  @EnumSource(LastSeenPrivacy.class)
  void setLastSeenPrivacySendsTheSettingAndCompletesOnPrivacySet(LastSeenPrivacy whoSees)
      throws Exception {
    try (CheckmarkClient client = connected()) {
      CompletableFuture<Void> set = client.setLastSeenPrivacy(whoSees);

      ScriptedServer.Received request = server.next("setPrivacy");
      assertThat(request.frame().path("lastSeen").asText())
          .isEqualTo(whoSees == LastSeenPrivacy.EVERYONE ? "everyone" : "nobody");
      assertThat(set).isNotDone();
      server.reply(request, "{\"type\":\"privacySet\"}");

      assertThat(set).succeedsWithin(Duration.ofSeconds(5));
    }
  }

  @Test
  void blockAndUnblockSendThePhoneAndCompleteWithThePhoneTheServerNames() throws Exception {
    try (CheckmarkClient client = connected()) {
      CompletableFuture<String> blocked = client.block(BOB);
      ScriptedServer.Received block = server.next("block");
      assertThat(block.frame().path("phone").asText()).isEqualTo(BOB);
      assertThat(blocked).isNotDone();
      server.reply(block, "{\"type\":\"blocked\",\"phone\":\"" + BOB + "\"}");
      assertThat(blocked.get(5, TimeUnit.SECONDS)).isEqualTo(BOB);

      CompletableFuture<String> unblocked = client.unblock(BOB);
      ScriptedServer.Received unblock = server.next("unblock");
      assertThat(unblock.frame().path("phone").asText()).isEqualTo(BOB);
      assertThat(unblocked).isNotDone();
      server.reply(unblock, "{\"type\":\"unblocked\",\"phone\":\"" + BOB + "\"}");
      assertThat(unblocked.get(5, TimeUnit.SECONDS)).isEqualTo(BOB);
    }
  }

  @Test
  void blockedListsEveryPhoneOfTheBlockList() throws Exception {
    try (CheckmarkClient client = connected()) {
      CompletableFuture<List<String>> blocked = client.blocked();

      server.reply(
          server.next("listBlocked"),
          "{\"type\":\"blockList\",\"phones\":[\"" + BOB + "\",\"" + CAROL + "\"]}");

      assertThat(blocked.get(5, TimeUnit.SECONDS)).containsExactly(BOB, CAROL);
    }
  }

  @Test
  void aBlockTheServerRefusesFailsWithItsCode() throws Exception {
    try (CheckmarkClient client = connected()) {
      CompletableFuture<String> blocked = client.block("+1415");

      server.reply(
          server.next("block"),
          "{\"type\":\"error\",\"code\":\"BAD_REQUEST\",\"message\":\"phone is not a valid number\",\"action\":\"block\"}");

      assertThat(refusal(blocked).code()).isEqualTo("BAD_REQUEST");
    }
  }

  @Test
  void aReplyOfAnotherTypeFailsTheRequestAsAServerFault() throws Exception {
    try (CheckmarkClient client = connected()) {
      CompletableFuture<String> blocked = client.block(BOB);

      server.reply(server.next("block"), "{\"type\":\"unblocked\",\"phone\":\"" + BOB + "\"}");

      assertThat(blocked)
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableThat()
          .havingCause()
          .isInstanceOf(IllegalStateException.class)
          .withMessageContaining("expected Blocked");
    }
  }

  /** The refusal a request failed with, within five seconds. */
  private static CheckmarkException refusal(CompletableFuture<?> future) {
    Throwable failure = catchThrowable(() -> future.get(5, TimeUnit.SECONDS));
    assertThat(failure)
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(CheckmarkException.class);
    return (CheckmarkException) failure.getCause();
  }

  private CheckmarkClient connected() throws Exception {
    CheckmarkClient client =
        CheckmarkClient.builder(server.url()).credentials("+14155550000", "key").build();
    CompletableFuture<Void> synced = client.connect();
    server.reply(server.next("sync"), "{\"type\":\"synced\",\"count\":0,\"more\":false}");
    synced.get(5, TimeUnit.SECONDS);
    return client;
  }
}
