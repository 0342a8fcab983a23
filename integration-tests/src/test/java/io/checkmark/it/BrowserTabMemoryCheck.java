package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.local.LocalStack;
import io.checkmark.local.Traffic;
import io.checkmark.testsupport.Phones;
import io.checkmark.testsupport.ProjectStack;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The memory of a browser tab holding one conversation of 10,000 messages: a client SDK sends them
 * to a number registered in the browser while the browser is closed, the browser starts again,
 * syncs and stores them all, and the conversation is opened; the JavaScript heap is read through
 * the DevTools protocol after a garbage collection. Slow (the sends take minutes on the local
 * stack), so not part of {@code mvn verify}: run it with {@code mvn -B verify -pl integration-tests
 * -am -Pweb-memory} (docs/benchmarks.md). Prints {@code WEB-FIGURE} lines.
 */
class BrowserTabMemoryCheck {

  static final int MESSAGES = Integer.getInteger("checkmark.web.memory.messages", 10_000);
  private static final int IN_FLIGHT = 128;

  private static LocalStack stack;

  @BeforeAll
  static void startStack() {
    Browser.requireChromium();
    stack =
        LocalStack.start(
            ProjectStack.options()
                .parameterOverrides(
                    Map.of(
                        "PinRequestsPerAddressPerHour", "100000",
                        "AnonymousConnectsPerAddressPerMinute", "100000",
                        // One sender's 10,000 messages as fast as the stack takes them.
                        "SendsPerAccountPer10Seconds", "10000000",
                        "ReadsPerAccountPer10Seconds", "10000000"))
                .build());
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aTabHoldingTenThousandMessagesInOneConversation() throws Exception {
    String phone = Phones.next();
    String friend = Phones.next();
    URI page = stack.endpoint().resolve("/");
    try (Browser browser = Browser.open(page, Browser.DESKTOP, Browser.newProfile(), false)) {
      WebClientBrowserTest.registerThroughWelcome(stack, browser, phone);
      Map<String, Number> empty = browser.heapAfterGc();
      browser.closeTab();

      long sendStart = System.nanoTime();
      try (CheckmarkClient friendsPhone =
          Devices.client(stack, friend, Devices.register(stack, friend), new Devices.Inbox())) {
        friendsPhone.connect().join();
        Semaphore window = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (int i = 1; i <= MESSAGES; i++) {
          window.acquire();
          sends.add(
              friendsPhone.send(phone, "message " + i).whenComplete((ok, e) -> window.release()));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
      }
      double sendSeconds = seconds(sendStart);
      System.out.printf(
          "WEB-FIGURE memory check: %,d messages sent by the SDK in %.1f s (%.0f msg/s)%n",
          MESSAGES, sendSeconds, MESSAGES / sendSeconds);

      Traffic.Snapshot beforeCatchUp = stack.traffic();
      long syncStart = System.nanoTime();
      browser.get(page);
      String last = "message " + MESSAGES;
      await("the browser stored all " + MESSAGES + " messages")
          .atMost(Duration.ofMinutes(10))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                Map<String, String> item = browser.chatItem(friend);
                return item != null
                    && last.equals(item.get("last"))
                    && String.valueOf(MESSAGES).equals(item.get("unread").replaceAll("\\D", ""));
              });
      double syncSeconds = seconds(syncStart);
      Traffic.Snapshot catchUp = stack.traffic().since(beforeCatchUp);
      browser.openChat(friend);
      await("the conversation shows its last message")
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> browser.message(last) != null);
      long shown =
          ((Number)
                  browser.js(
                      "return document.querySelectorAll('[data-testid=\"message\"]').length;"))
              .longValue();
      Map<String, Number> full = browser.heapAfterGc();
      System.out.printf(
          "WEB-FIGURE memory check: page opened to all %,d stored in %.1f s%n",
          MESSAGES, syncSeconds);
      long acks = catchUp.invocationsByRoute().getOrDefault("ack", 0L);
      System.out.printf(
          "WEB-FIGURE memory check: the catch-up acked them in %,d ack frames (%.1f ids a frame)"
              + " after %,d sync pages%n",
          acks,
          (double) MESSAGES / Math.max(1, acks),
          catchUp.invocationsByRoute().getOrDefault("sync", 0L));
      System.out.printf(
          "WEB-FIGURE tab memory, JS heap used after GC: %.1f MB with %,d messages in the open"
              + " conversation (%,d message elements in the DOM, %,d DOM nodes); %.1f MB with an"
              + " empty chat list (%,d DOM nodes)%n",
          mb(full.get("JSHeapUsedSize")),
          MESSAGES,
          shown,
          full.get("Nodes").longValue(),
          mb(empty.get("JSHeapUsedSize")),
          empty.get("Nodes").longValue());
      assertThat(browser.consoleErrors(message -> false)).isEmpty();
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static double mb(Number bytes) {
    return bytes.doubleValue() / (1024 * 1024);
  }
}
