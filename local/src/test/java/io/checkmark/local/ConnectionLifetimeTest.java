package io.checkmark.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** API Gateway's 2-hour connection maximum, shortened for the test. */
class ConnectionLifetimeTest {

  @Test
  void connectionIsClosedAtTheMaximumDurationEvenWhenBusy() throws Exception {
    Duration maximum = Duration.ofSeconds(1);
    try (LocalStack stack =
            LocalStack.start(
                LocalStackOptions.builder()
                    .port(0)
                    .template(Path.of("src/test/resources/emulator-template.yaml"))
                    .maxConnectionDuration(maximum)
                    .build());
        TestSocket socket = TestSocket.connect(stack.webSocketUrl())) {
      long opened = System.nanoTime();
      // Busy, not idle: a frame every 100 ms until the gateway ends the connection for its age.
      await()
          .atMost(maximum.multipliedBy(5))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                if (!socket.isClosed()) {
                  socket.send("{\"action\":\"oneway\"}");
                }
                return socket.isClosed();
              });

      assertThat(socket.closeCode(Duration.ofSeconds(1))).isEqualTo(1001);
      assertThat(Duration.ofNanos(System.nanoTime() - opened))
          .isBetween(maximum, maximum.multipliedBy(3));
      assertThat(stack.openConnectionIds()).isEmpty();
    }
  }
}
