package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.local.LocalStack;
import io.checkmark.testsupport.ProjectStack;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.openqa.selenium.Dimension;

/**
 * What a web client browser test opens on its local stack: browsers on the stack's page and SDK
 * phones, all closed after the test, every browser's console checked for errors.
 */
final class WebClientSessions {

  private final LocalStack stack;
  private final URI page;
  // Browsers may be opened from several threads at once (they start side by side).
  private final List<Browser> browsers = new CopyOnWriteArrayList<>();
  private final List<CheckmarkClient> clients = new ArrayList<>();

  WebClientSessions(LocalStack stack) {
    this.stack = stack;
    this.page = page(stack);
  }

  /**
   * The local stack for browser tests: every browser registers or links from the same address and
   * connects anonymously before its login, so the per-address limits are raised; a long
   * conversation is sent by one SDK phone as fast as the stack takes it, more than the default 160
   * sends in 10 s.
   */
  static LocalStack startStack() {
    Browser.requireChromium();
    return LocalStack.start(
        ProjectStack.options()
            .parameterOverrides(
                Map.of(
                    "PinRequestsPerAddressPerHour", "100000",
                    "LinkRequestsPerAddressPerHour", "100000",
                    "AnonymousConnectsPerAddressPerMinute", "100000",
                    "SendsPerAccountPer10Seconds", "100000"))
            .build());
  }

  /** The web client's page on {@code stack}. */
  static URI page(LocalStack stack) {
    return stack.endpoint().resolve("/");
  }

  Browser open(Dimension size) {
    Browser browser = Browser.open(page, size);
    browsers.add(browser);
    return browser;
  }

  /** {@code phone} registered on the stack, its device an SDK client, connected. */
  CheckmarkClient registeredAndConnected(String phone, Devices.Inbox inbox) {
    return connected(phone, Devices.register(stack, phone), inbox);
  }

  /** An SDK client of {@code phone}'s device, connected. */
  CheckmarkClient connected(String phone, String key, Devices.Inbox inbox) {
    CheckmarkClient client = Devices.client(stack, phone, key, inbox);
    clients.add(client);
    client.connect().join();
    return client;
  }

  /** Closes everything opened; fails if a browser logged an error other than {@code expected}. */
  void closeAndCheckConsoles(Predicate<String> expected) {
    Map<String, List<String>> errors = new TreeMap<>();
    for (int i = 0; i < browsers.size(); i++) {
      Browser browser = browsers.get(i);
      List<String> found = browser.consoleErrors(expected);
      browser.close();
      if (!found.isEmpty()) {
        errors.put("browser " + (i + 1), found);
      }
    }
    clients.forEach(CheckmarkClient::close);
    assertThat(errors).as("errors in the browsers' consoles").isEmpty();
  }
}
