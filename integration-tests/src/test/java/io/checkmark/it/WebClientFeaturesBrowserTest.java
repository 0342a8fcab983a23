package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.local.LocalStack;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.testsupport.Phones;
import io.checkmark.testsupport.ProjectStack;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The web client's features beyond one-to-one messaging, in headless Chromium on the local stack,
 * through the page's {@code data-testid} hooks (web-spec.md): using it with the keyboard alone, a
 * phone-sized window, blocking, groups and their receipts, and a linked browser unlinked by its
 * primary. Peers are SDK clients. Any error the page logs fails the test.
 */
class WebClientFeaturesBrowserTest {

  private static final Duration WAIT = Browser.WAIT;
  private static final Dimension SMALL_PHONE = new Dimension(375, 667);
  private static final int MAX_TABS = 40;
  private static final String BLOCKED_NOTICE =
      "You blocked this number: its messages do not reach you.";

  private static LocalStack stack;
  private static URI page;

  private final List<Browser> browsers = new CopyOnWriteArrayList<>();
  private final List<CheckmarkClient> clients = new ArrayList<>();

  @BeforeAll
  static void startStack() {
    Browser.requireChromium();
    stack =
        LocalStack.start(
            ProjectStack.options()
                .parameterOverrides(
                    Map.of(
                        "PinRequestsPerAddressPerHour", "100000",
                        "LinkRequestsPerAddressPerHour", "100000",
                        "AnonymousConnectsPerAddressPerMinute", "100000"))
                .build());
    page = stack.endpoint().resolve("/");
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @AfterEach
  void closeBrowsersAndCheckTheirConsoles() {
    Map<String, List<String>> errors = new TreeMap<>();
    for (int i = 0; i < browsers.size(); i++) {
      Browser browser = browsers.get(i);
      List<String> found = browser.consoleErrors(message -> false);
      browser.close();
      if (!found.isEmpty()) {
        errors.put("browser " + (i + 1), found);
      }
    }
    clients.forEach(CheckmarkClient::close);
    assertThat(errors).as("errors in the browsers' consoles").isEmpty();
  }

  @Test
  void aUserRegistersAndSendsAMessageWithTheKeyboardAloneAndItGetsItsTick() throws Exception {
    String phone = Phones.next();
    String friend = Phones.next();
    Devices.Inbox friendsInbox = new Devices.Inbox();
    connected(friend, Devices.register(stack, friend), friendsInbox);
    Browser browser = open(Browser.DESKTOP);
    browser.one("welcome");

    tabTo(browser, "register-phone");
    keys(browser, phone, Keys.ENTER);
    await("the PIN's SMS").atMost(WAIT).until(() -> !stack.smsTo(phone).isEmpty());
    browser.one("pin-input");
    tabTo(browser, "pin-input");
    keys(browser, stack.lastPinSentTo(phone), Keys.ENTER);
    await("the chat list")
        .atMost(WAIT)
        .until(() -> browser.chatListReady() && "connected".equals(browser.connectionState()));

    tabTo(browser, "new-chat-phone");
    keys(browser, friend, Keys.ENTER);
    await("the conversation, its composer focused")
        .atMost(WAIT)
        .until(
            () ->
                friend.equals(browser.attribute("conversation", "data-peer"))
                    && "composer-input".equals(focusedTestId(browser)));
    keys(browser, "Sent without a mouse", Keys.ENTER);

    assertThat(friendsInbox.nextMessage().body()).isEqualTo("Sent without a mouse");
    await("the message's tick")
        .atMost(WAIT)
        .until(
            () ->
                Set.of("accepted", "delivered", "read")
                    .contains(browser.statusOf("Sent without a mouse")));
    assertThat(browser.message("Sent without a mouse").get("ticks")).startsWith("✓");
  }

  @Test
  void onA375By667ScreenTheChatListAndAConversationFitTheWidthAndShowTheComposer()
      throws Exception {
    String phone = Phones.next();
    String friend = Phones.next();
    CheckmarkClient friendsPhone =
        connected(friend, Devices.register(stack, friend), new Devices.Inbox());
    Browser browser = open(SMALL_PHONE);
    WebClientBrowserTest.registerThroughWelcome(stack, browser, phone);
    assertThat(browser.viewport()).isEqualTo(SMALL_PHONE);
    String longLine =
        "A long line that has to wrap on a narrow screen, not widen the page: "
            + "https://example.invalid/a/very/long/address/without/any/spaces/to/break/at/all";
    friendsPhone.send(phone, longLine).get(10, TimeUnit.SECONDS);
    await("the friend's chat").atMost(WAIT).until(() -> browser.chatItem(friend) != null);
    assertThat(horizontalOverflow(browser)).as("chat list: scrollWidth - innerWidth").isZero();

    browser.openChat(friend);
    await("the conversation's messages")
        .atMost(WAIT)
        .until(() -> browser.message(longLine) != null);
    assertThat(horizontalOverflow(browser)).as("conversation: scrollWidth - innerWidth").isZero();
    WebElement composer = browser.one("composer-input");
    assertThat(composer.isDisplayed()).isTrue();
    assertThat(withinViewport(browser, "composer-input")).as("composer in the viewport").isTrue();
    assertThat(withinViewport(browser, "composer-send")).as("send button in the viewport").isTrue();
  }

  // ---- helpers ----

  private Browser open(Dimension size) {
    Browser browser = Browser.open(page, size);
    browsers.add(browser);
    return browser;
  }

  private CheckmarkClient connected(String phone, String key, Devices.Inbox inbox) {
    CheckmarkClient client = Devices.client(stack, phone, key, inbox);
    clients.add(client);
    client.connect().join();
    return client;
  }

  /** The hook of the focused element, or null. */
  private static String focusedTestId(Browser browser) {
    return (String)
        browser.js(
            "const el = document.activeElement;"
                + " return el ? el.getAttribute('data-testid') : null;");
  }

  /** Presses Tab until the element with this hook has the focus, as a keyboard user does. */
  private static void tabTo(Browser browser, String id) {
    for (int tabs = 0; tabs < MAX_TABS && !id.equals(focusedTestId(browser)); tabs++) {
      browser.driver().switchTo().activeElement().sendKeys(Keys.TAB);
    }
    assertThat(focusedTestId(browser)).as("focus reached by Tab").isEqualTo(id);
  }

  /** Types into whatever has the focus. */
  private static void keys(Browser browser, CharSequence... keys) {
    browser.driver().switchTo().activeElement().sendKeys(keys);
  }

  private static long horizontalOverflow(Browser browser) {
    return ((Number)
            browser.js(
                "return Math.max(0, document.documentElement.scrollWidth - window.innerWidth);"))
        .longValue();
  }

  private static boolean withinViewport(Browser browser, String id) {
    return Boolean.TRUE.equals(
        browser.js(
            "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
                + " return r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0"
                + " && r.right <= window.innerWidth && r.bottom <= window.innerHeight;",
            "[data-testid=\"" + id + "\"]"));
  }

  private static boolean notice(Browser browser) {
    return Boolean.TRUE.equals(
        browser.js(
            "return [...document.querySelectorAll('.notice')]"
                + ".some(el => el.textContent.trim() === arguments[0]);",
            BLOCKED_NOTICE));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> receiptMembers(Browser browser) {
    return (Map<String, String>)
        browser.js(
            "const out = {};"
                + " for (const el of document.querySelectorAll('[data-testid=\"receipt-member\"]'))"
                + "  out[el.getAttribute('data-phone')] = el.getAttribute('data-status');"
                + " return out;");
  }
}
