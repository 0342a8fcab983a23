package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.protocol.Accepted;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.protocol.ReceiptFrame;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;

/**
 * A smoke test of a deployed stack (the {@code deployed} Maven profile; not part of {@code mvn
 * verify}): it finds the WebSocket URL among the stack's outputs by key, registers two test numbers
 * with their fixed PINs (no SMS), and exchanges a message with its receipts.
 */
class DeployedStackCheck {

  @Test
  void twoTestNumbersRegisterAndExchangeAMessageWithReceipts() throws Exception {
    URI url = webSocketUrl();
    String[][] numbers = testNumbers();
    String alice = numbers[0][0];
    String bob = numbers[1][0];
    String aliceKey = Devices.register(url, alice, () -> numbers[0][1]);
    String bobKey = Devices.register(url, bob, () -> numbers[1][1]);
    Devices.Inbox aliceInbox = new Devices.Inbox();
    Devices.Inbox bobInbox = new Devices.Inbox();
    try (CheckmarkClient aliceClient =
            CheckmarkClient.builder(url).credentials(alice, aliceKey).listener(aliceInbox).build();
        CheckmarkClient bobClient =
            CheckmarkClient.builder(url).credentials(bob, bobKey).listener(bobInbox).build()) {
      aliceClient.connect().get(30, TimeUnit.SECONDS);
      bobClient.connect().get(30, TimeUnit.SECONDS);

      Accepted accepted = aliceClient.send(bob, "deployed-stack check").get(30, TimeUnit.SECONDS);
      MessageFrame message = awaitMessage(bobInbox, accepted.messageId());
      bobClient.markRead(alice, List.of(message.messageId())).get(30, TimeUnit.SECONDS);

      List<String> statuses = new ArrayList<>();
      while (statuses.size() < 2) {
        ReceiptFrame receipt = aliceInbox.nextReceipt();
        if (receipt.messageIds().contains(accepted.messageId())) {
          statuses.add(receipt.status());
        }
      }
      assertThat(statuses).containsExactlyInAnyOrder("delivered", "read");
    }
  }

  private static MessageFrame awaitMessage(Devices.Inbox inbox, String messageId)
      throws InterruptedException {
    while (true) {
      MessageFrame message = inbox.nextMessage();
      if (message.messageId().equals(messageId)) {
        return message;
      }
    }
  }

  /**
   * {@code checkmark.url}, else the {@code WebSocketUrl} output of the stack {@code
   * checkmark.stack}.
   */
  private static URI webSocketUrl() {
    String url = System.getProperty("checkmark.url", "");
    if (!url.isBlank() && !url.startsWith("${")) {
      return URI.create(url);
    }
    String stack = System.getProperty("checkmark.stack", "");
    if (stack.isBlank() || stack.startsWith("${")) {
      throw new IllegalStateException(
          "give -Dcheckmark.stack=<stack name> or -Dcheckmark.url=<wss URL>");
    }
    String region = System.getProperty("checkmark.region", "");
    try (CloudFormationClient cloudFormation =
        CloudFormationClient.builder()
            .region(Region.of(region.isBlank() || region.startsWith("${") ? "us-east-1" : region))
            .httpClient(UrlConnectionHttpClient.create())
            .build()) {
      return cloudFormation
          .describeStacks(r -> r.stackName(stack))
          .stacks()
          .get(0)
          .outputs()
          .stream()
          .filter(output -> output.outputKey().equals("WebSocketUrl"))
          .map(Output::outputValue)
          .map(URI::create)
          .findFirst()
          .orElseThrow(
              () -> new IllegalStateException("stack " + stack + " has no WebSocketUrl output"));
    }
  }

  /**
   * {@code checkmark.testNumbers}: two or more +phone=PIN pairs, the value of the SSM parameter the
   * stack's {@code TestNumbersParameterName} names.
   */
  private static String[][] testNumbers() {
    String setting = System.getProperty("checkmark.testNumbers", "");
    String[] entries = setting.startsWith("${") ? new String[0] : setting.split(",");
    if (entries.length < 2) {
      throw new IllegalStateException(
          "give -Dcheckmark.testNumbers=+phone=PIN,+phone=PIN, the value of the SSM parameter"
              + " the stack's TestNumbersParameterName names (aws ssm get-parameter --with-decryption)");
    }
    String[][] numbers = new String[entries.length][];
    for (int i = 0; i < entries.length; i++) {
      numbers[i] = entries[i].trim().split("=");
    }
    return numbers;
  }
}
