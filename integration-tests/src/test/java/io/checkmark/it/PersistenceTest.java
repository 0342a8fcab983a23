package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.client.CheckmarkException;
import io.checkmark.local.LocalStack;
import io.checkmark.local.LocalStackOptions;
import io.checkmark.protocol.Accepted;
import io.checkmark.protocol.ReceiptFrame;
import io.checkmark.testsupport.Phones;
import io.checkmark.testsupport.ProjectStack;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack started with a persistence directory keeps accounts, queued messages and its
 * secrets (so message ids minted before a restart still verify) across a restart; started without
 * one, it keeps nothing.
 */
class PersistenceTest {

  private static final Path TEMPLATE = ProjectStack.template();

  @TempDir Path directory;

  @Test
  void accountsQueuedMessagesAndTheMessageIdKeySurviveARestartOnTheSameDirectory()
      throws Exception {
    String alice = Phones.next();
    String bob = Phones.next();
    String aliceKey;
    String bobKey;
    Accepted accepted;
    try (LocalStack first = start(directory)) {
      aliceKey = Devices.register(first, alice);
      bobKey = Devices.register(first, bob);
      try (CheckmarkClient aliceClient =
          Devices.client(first, alice, aliceKey, new Devices.Inbox())) {
        aliceClient.connect().get(10, TimeUnit.SECONDS);
        accepted = aliceClient.send(bob, "kept while the stack was down").get(10, TimeUnit.SECONDS);
      }
    }

    Devices.Inbox bobInbox = new Devices.Inbox();
    try (LocalStack second = start(directory);
        CheckmarkClient bobClient = Devices.client(second, bob, bobKey, bobInbox)) {
      bobClient.connect().get(10, TimeUnit.SECONDS);

      var message = bobInbox.nextMessage();
      assertThat(message.messageId()).isEqualTo(accepted.messageId());
      assertThat(message.from()).isEqualTo(alice);
      assertThat(message.body()).isEqualTo("kept while the stack was down");

      // The message id's MAC was made with the key of the first run: the read receipt still counts.
      bobClient.markRead(alice, List.of(message.messageId())).get(10, TimeUnit.SECONDS);
      Devices.Inbox aliceInbox = new Devices.Inbox();
      try (CheckmarkClient aliceClient = Devices.client(second, alice, aliceKey, aliceInbox)) {
        aliceClient.connect().get(10, TimeUnit.SECONDS);
        ReceiptFrame read = aliceInbox.nextReceipt();
        while (!"read".equals(read.status())) {
          read = aliceInbox.nextReceipt();
        }
        assertThat(read.messageIds()).containsExactly(accepted.messageId());
      }
    }
  }

  @Test
  void withoutAPersistenceDirectoryNothingSurvivesARestart() throws Exception {
    String bob = Phones.next();
    String bobKey;
    try (LocalStack first = start(null)) {
      bobKey = Devices.register(first, bob);
    }

    try (LocalStack second = start(null);
        CheckmarkClient bobClient = Devices.client(second, bob, bobKey, new Devices.Inbox())) {
      assertThatThrownBy(() -> bobClient.connect().get(10, TimeUnit.SECONDS))
          .as("the account is gone: its key is refused at connect")
          .cause()
          .isInstanceOfSatisfying(
              CheckmarkException.class,
              refused -> assertThat(refused.code()).isEqualTo("UNAUTHORIZED"));
    }
  }

  private static LocalStack start(Path persistDirectory) {
    return LocalStack.start(
        LocalStackOptions.builder()
            .port(0)
            .template(TEMPLATE)
            .persistDirectory(persistDirectory)
            .build());
  }
}
