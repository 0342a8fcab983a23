package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.local.LocalStack;
import io.checkmark.protocol.Accepted;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.testsupport.Phones;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The web client's features beyond one-to-one messaging, in headless Chromium on the local stack,
 * through the page's {@code data-testid} hooks (web-spec.md): using it with the keyboard alone, a
 * phone-sized window, blocking and the block list, groups and their receipts, a linked browser
 * unlinked by its primary, and a long conversation's window of rendered messages. Peers are SDK
 * clients. Any error the page logs fails the test.
 */
class WebClientFeaturesBrowserTest {

  private static final Duration WAIT = Browser.WAIT;
  private static final Dimension SMALL_PHONE = new Dimension(375, 667);
  private static final int WINDOW = 100;
  private static final String BLOCKED_NOTICE =
      "You blocked this number: its messages do not reach you.";

  private static LocalStack stack;

  private WebClientSessions sessions;

  @BeforeAll
  static void startStack() {
    stack = WebClientSessions.startStack();
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @BeforeEach
  void openSessions() {
    sessions = new WebClientSessions(stack);
  }

  @AfterEach
  void closeBrowsersAndCheckTheirConsoles() {
    sessions.closeAndCheckConsoles(message -> false);
  }

  @Test
  void aUserRegistersAndSendsAMessageWithTheKeyboardAloneAndItGetsItsTick() throws Exception {
    String phone = Phones.next();
    String friend = Phones.next();
    Devices.Inbox friendsInbox = new Devices.Inbox();
    sessions.registeredAndConnected(friend, friendsInbox);
    Browser browser = sessions.open(Browser.DESKTOP);
    browser.one("welcome");

    browser.tabTo("register-phone");
    browser.press(phone, Keys.ENTER);
    await("the PIN's SMS").atMost(WAIT).until(() -> !stack.smsTo(phone).isEmpty());
    await("the PIN input, focused without a Tab")
        .atMost(WAIT)
        .until(() -> "pin-input".equals(browser.focused().get("testid")));
    browser.press(stack.lastPinSentTo(phone), Keys.ENTER);
    await("the chat list")
        .atMost(WAIT)
        .until(() -> browser.chatListReady() && "connected".equals(browser.connectionState()));

    browser.tabTo("new-chat-phone");
    browser.press(friend, Keys.ENTER);
    await("the conversation, its composer focused")
        .atMost(WAIT)
        .until(
            () ->
                friend.equals(browser.attribute("conversation", "data-peer"))
                    && "composer-input".equals(browser.focused().get("testid")));
    browser.press("Sent without a mouse", Keys.ENTER);

    assertThat(friendsInbox.nextMessage().body()).isEqualTo("Sent without a mouse");
    await("the message's tick")
        .atMost(WAIT)
        .until(
            () ->
                Set.of("accepted", "delivered", "read")
                    .contains(browser.statusOf("Sent without a mouse")));
    assertThat(browser.message("Sent without a mouse").get("ticks")).startsWith("✓");

    browser.press(Keys.ESCAPE);
    await("Escape leaves the conversation for the chat list, the focus on its chat")
        .atMost(WAIT)
        .until(
            () ->
                !browser.present("conversation")
                    && browser.visible("chat-list")
                    && friend.equals(browser.focused().get("peer")));
    assertThat(browser.focused()).containsEntry("testid", "chat-item");
  }

  @Test
  void onA375By667ScreenTheChatListAndAConversationFitTheWidthAndShowTheComposer()
      throws Exception {
    String phone = Phones.next();
    String friend = Phones.next();
    CheckmarkClient friendsPhone = sessions.registeredAndConnected(friend, new Devices.Inbox());
    Browser browser = sessions.open(SMALL_PHONE);
    WebClientBrowserTest.registerThroughWelcome(stack, browser, phone);
    assertThat(browser.viewport()).isEqualTo(SMALL_PHONE);
    String longLine =
        "A long line that has to wrap on a narrow screen, not widen the page: "
            + "https://example.invalid/a/very/long/address/without/any/spaces/to/break/at/all";
    friendsPhone.send(phone, longLine).get(10, TimeUnit.SECONDS);
    await("the friend's chat").atMost(WAIT).until(() -> browser.chatItem(friend) != null);
    assertThat(horizontalOverflow(browser)).as("chat list: scrollWidth - innerWidth").isZero();
    assertThat(withinViewport(browser, "chat-item")).as("the chat item in the viewport").isTrue();

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

  @Test
  void aBlockedPeersMessagesNeverShowAndAfterUnblockingTheNextOneDoes() throws Exception {
    String phone = Phones.next();
    String peer = Phones.next();
    CheckmarkClient peersPhone = sessions.registeredAndConnected(peer, new Devices.Inbox());
    Browser browser = sessions.open(Browser.DESKTOP);
    WebClientBrowserTest.registerThroughWelcome(stack, browser, phone);
    peersPhone.send(phone, "Before the block").get(10, TimeUnit.SECONDS);
    await("the peer's chat").atMost(WAIT).until(() -> browser.chatItem(peer) != null);
    browser.openChat(peer);
    await().atMost(WAIT).until(() -> browser.message("Before the block") != null);
    assertThat(browser.text("block-toggle")).isEqualTo("Block");
    assertThat(notice(browser)).isFalse();

    browser.click("block-toggle");
    await("the toggle says Unblock and the notice shows")
        .atMost(WAIT)
        .until(() -> "Unblock".equals(browser.text("block-toggle")) && notice(browser));
    Instant blocked = Instant.now();
    browser.click("blocked-open");
    await("the block list names the number")
        .atMost(WAIT)
        .until(() -> List.of(peer).equals(blockedPhones(browser)));
    browser.press(Keys.ESCAPE);
    await("Escape closes the block list").atMost(WAIT).until(() -> !browser.present("blocked"));
    Devices.awaitBlockChangeEffective(blocked);
    peersPhone.send(phone, "While blocked").get(10, TimeUnit.SECONDS);
    await("the blocked peer's message never shows")
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(6))
        .until(() -> browser.message("While blocked") == null);

    browser.click("block-toggle");
    await("the toggle says Block and the notice is gone")
        .atMost(WAIT)
        .until(() -> "Block".equals(browser.text("block-toggle")) && !notice(browser));
    Instant unblocked = Instant.now();
    browser.click("blocked-open");
    await("the block list is empty")
        .atMost(WAIT)
        .until(() -> browser.present("blocked") && blockedPhones(browser).isEmpty());
    browser.press(Keys.ESCAPE);
    await("Escape closes the block list").atMost(WAIT).until(() -> !browser.present("blocked"));
    Devices.awaitBlockChangeEffective(unblocked);
    peersPhone.send(phone, "After the unblock").get(10, TimeUnit.SECONDS);
    await("the next message shows")
        .atMost(WAIT)
        .until(() -> browser.message("After the unblock") != null);
    assertThat(browser.message("After the unblock")).containsEntry("direction", "in");
    assertThat(browser.message("While blocked")).as("not delivered late either").isNull();
  }

  @Test
  void aGroupMadeInThePageReachesBothMembersAndItsReceiptsListBothAsDelivered() throws Exception {
    String phone = Phones.next();
    String ann = Phones.next();
    String ben = Phones.next();
    Devices.Inbox annsInbox = new Devices.Inbox();
    Devices.Inbox bensInbox = new Devices.Inbox();
    sessions.registeredAndConnected(ann, annsInbox);
    sessions.registeredAndConnected(ben, bensInbox);
    Browser browser = sessions.open(Browser.DESKTOP);
    WebClientBrowserTest.registerThroughWelcome(stack, browser, phone);

    browser.click("group-create");
    browser.type("group-name", "Hiking club");
    browser.type("group-members", ann + ", " + ben);
    browser.click("group-create-submit");
    await("the new group's conversation")
        .atMost(WAIT)
        .until(
            () -> {
              String open = browser.attribute("conversation", "data-peer");
              return open != null && open.startsWith("group:");
            });
    assertThat(browser.text("conversation-title")).isEqualTo("Hiking club");
    browser.type("composer-input", "Saturday, 8 am", Keys.ENTER);

    MessageFrame annGot = annsInbox.nextMessage();
    MessageFrame benGot = bensInbox.nextMessage();
    assertThat(List.of(annGot.body(), benGot.body())).containsOnly("Saturday, 8 am");
    assertThat(annGot.from()).isEqualTo(phone);
    await("the message delivered")
        .atMost(WAIT)
        .until(() -> "delivered".equals(browser.statusOf("Saturday, 8 am")));

    browser
        .driver()
        .findElement(
            org.openqa.selenium.By.cssSelector("[data-testid=\"message\"][data-direction=\"out\"]"))
        .click();
    await("the receipt details list both members as delivered")
        .atMost(WAIT)
        .until(() -> Map.of(ann, "delivered", ben, "delivered").equals(receiptMembers(browser)));
  }

  @Test
  void aBrowserLinkedToAnSdkPhoneAndUnlinkedByItGoesToTheWelcomeAndReceivesNothingMore()
      throws Exception {
    String phone = Phones.next();
    String friend = Phones.next();
    Devices.Inbox primarysInbox = new Devices.Inbox();
    CheckmarkClient primary = sessions.registeredAndConnected(phone, primarysInbox);
    CheckmarkClient friendsPhone = sessions.registeredAndConnected(friend, new Devices.Inbox());
    Browser browser = sessions.open(Browser.DESKTOP);

    browser.click("link-start");
    await("a link code")
        .atMost(WAIT)
        .until(() -> browser.attribute("link-qr", "data-code") != null);
    var linked =
        primary.approveLink(browser.attribute("link-qr", "data-code")).get(10, TimeUnit.SECONDS);
    await("the linked browser's chat list")
        .atMost(WAIT)
        .until(() -> browser.chatListReady() && "connected".equals(browser.connectionState()));
    friendsPhone.send(phone, "Before the unlink").get(10, TimeUnit.SECONDS);
    await("the linked browser gets messages")
        .atMost(WAIT)
        .until(() -> browser.chatItem(friend) != null);

    primary.unlinkDevice(linked.deviceId()).get(10, TimeUnit.SECONDS);
    await("the unlinked browser is at the welcome, saying why")
        .atMost(WAIT)
        .until(() -> browser.present("welcome") && browser.present("error-line"));
    String line = browser.text("error-line");
    assertThat(line).doesNotContain("\n").contains("unlinked");
    System.out.println("WEB-FIGURE unlinked browser's line: " + line);

    friendsPhone.send(phone, "After the unlink").get(10, TimeUnit.SECONDS);
    assertThat(primarysInbox.messages.stream().map(MessageFrame::body))
        .contains("Before the unlink");
    await("the primary still gets messages")
        .atMost(WAIT)
        .until(
            () ->
                primarysInbox.messages.stream()
                    .anyMatch(message -> "After the unlink".equals(message.body())));
    await("the unlinked browser shows nothing of it")
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(6))
        .until(
            () ->
                browser.present("welcome")
                    && !browser.present("chat-list")
                    && browser.message("After the unlink") == null);
    browser.reload();
    browser.one("welcome");
    assertThat(browser.present("chat-list")).as("still signed out after a reload").isFalse();
  }

  @Test
  void aLongConversationKeepsAtMostAHundredMessagesInTheDomScrollsBothWaysAndReadsOnlyWhatWasShown()
      throws Exception {
    String phone = Phones.next();
    String friend = Phones.next();
    Devices.Inbox friendsInbox = new Devices.Inbox();
    CheckmarkClient friendsPhone = sessions.registeredAndConnected(friend, friendsInbox);
    Browser browser = sessions.open(Browser.DESKTOP);
    WebClientBrowserTest.registerThroughWelcome(stack, browser, phone);
    int count = 300;
    List<String> ids = new ArrayList<>();
    List<CompletableFuture<Accepted>> sends = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      sends.add(friendsPhone.send(phone, "Line " + i));
      if (sends.size() == 32 || i == count) {
        for (CompletableFuture<Accepted> send : sends) {
          ids.add(send.get(10, TimeUnit.SECONDS).messageId());
        }
        sends.clear();
      }
    }
    List<String> byOrder = ids.stream().sorted().toList();
    String oldest = byOrder.get(0);
    String newest = byOrder.get(count - 1);
    await("all of them in the chat list's unread count")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                browser.chatItem(friend) != null
                    && String.valueOf(count).equals(browser.chatItem(friend).get("unread")));

    browser.openChat(friend);
    await("the newest message shown").atMost(WAIT).until(() -> shownIds(browser).contains(newest));
    await("read receipts for what is on screen, the newest first")
        .atMost(WAIT)
        .until(() -> readIds(friendsInbox).contains(newest));
    assertThat(shownIds(browser)).as("messages in the DOM").hasSizeLessThanOrEqualTo(WINDOW);
    await("no read receipt for what never came on screen")
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !readIds(friendsInbox).contains(oldest) && readIds(friendsInbox).size() < 60);

    await("scrolling up brings the conversation back to its first message")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              scrollToTop(browser);
              return shownIds(browser).contains(oldest);
            });
    assertThat(shownIds(browser))
        .as("messages in the DOM, scrolled to the top")
        .hasSizeLessThanOrEqualTo(WINDOW)
        .doesNotContain(newest);
    // The last slide kept the message that was at the top in its place: one more scroll shows the
    // first.
    scrollToTop(browser);
    await("the first message read once on screen")
        .atMost(WAIT)
        .until(() -> readIds(friendsInbox).contains(oldest));
    friendsPhone.send(phone, "While you read old ones").get(10, TimeUnit.SECONDS);
    await("a new message does not pull the reader down")
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> shownIds(browser).contains(oldest));
    await("scrolling down comes back to the newest")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              browser.js(
                  "const list = document.querySelector('[data-testid=\"conversation\"] ol');"
                      + " list.scrollTop = list.scrollHeight;");
              return browser.message("While you read old ones") != null;
            });
    assertThat(shownIds(browser)).hasSizeLessThanOrEqualTo(WINDOW);
    scrollToTop(browser);
    await("one slide back: the newest leave the DOM")
        .atMost(WAIT)
        .until(() -> browser.message("While you read old ones") == null);
    browser.type("composer-input", "Sent from further back", Keys.ENTER);
    await("what one sends shows at once, with the newest")
        .atMost(WAIT)
        .until(
            () ->
                browser.message("Sent from further back") != null
                    && browser.message("While you read old ones") != null);
  }

  // ---- helpers ----

  private static long horizontalOverflow(Browser browser) {
    return ((Number)
            browser.js(
                "return Math.max(0, document.documentElement.scrollWidth - window.innerWidth,"
                    + " document.body.scrollWidth - window.innerWidth);"))
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

  /** The phones the open block list names, sorted. */
  @SuppressWarnings("unchecked")
  private static List<String> blockedPhones(Browser browser) {
    return (List<String>) browser.js(WebClientBrowserTest.ATTRIBUTES, "blocked-item", "data-phone");
  }

  private static void scrollToTop(Browser browser) {
    browser.js("document.querySelector('[data-testid=\"conversation\"] ol').scrollTop = 0;");
  }

  /** The messageIds of the message elements in the DOM. */
  @SuppressWarnings("unchecked")
  private static List<String> shownIds(Browser browser) {
    return (List<String>)
        browser.js(
            "return [...document.querySelectorAll('[data-testid=\"message\"]')]"
                + ".map(m => m.getAttribute('data-message-id'));");
  }

  /** Every messageId a read receipt named so far. */
  private static Set<String> readIds(Devices.Inbox inbox) {
    return inbox.receipts.stream()
        .filter(receipt -> "read".equals(receipt.status()))
        .flatMap(receipt -> receipt.messageIds().stream())
        .collect(Collectors.toSet());
  }
}
