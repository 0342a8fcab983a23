package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.LuminanceSource;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import io.checkmark.client.CheckmarkClient;
import io.checkmark.local.FaultPlan;
import io.checkmark.local.LocalStack;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.testsupport.Phones;
import io.checkmark.testsupport.ProjectStack;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;

/**
 * The web client (web/, served by the local stack at /) in headless Chromium, two or more browsers
 * each its own device, driven only through the page's {@code data-testid} hooks (web-spec.md):
 * registration by PIN, the ticks and typing, linking by QR code to a number the CLI registered,
 * images, reconnecting, reloading from IndexedDB, and the bundle's size. Any error the page logs
 * fails the test. Figures are printed as lines starting with {@code WEB-FIGURE}.
 *
 * <p>{@code -Dcheckmark.web.screenshot=docs/web-client.png} (relative to the project's root) makes
 * the first test write a screenshot of its conversation there; without it nothing is written.
 */
class WebClientBrowserTest {

  private static final Duration WAIT = Browser.WAIT;
  private static final Path ROOT = ProjectStack.template().toAbsolutePath().getParent();
  private static final Path CLI_JAR = ROOT.resolve("cli/target/checkmark-cli.jar");
  private static final Path WEB_FILES = ROOT.resolve("web/target/classes/web");
  private static final long BUNDLE_TARGET_BYTES = 150 * 1024;
  private static final long READY_TARGET_MS = 1000;
  private static final String SCREENSHOT_PROPERTY = "checkmark.web.screenshot";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** One attribute of every element with a hook, sorted: arguments hook, attribute. */
  static final String ATTRIBUTES =
      "return [...document.querySelectorAll('[data-testid=\"' + arguments[0] + '\"]')]"
          + ".map(el => el.getAttribute(arguments[1])).sort();";

  private static LocalStack stack;
  private static URI page;

  private WebClientSessions sessions;

  /** Console errors a test provoked on purpose (a connection the stack refused), or none. */
  private Predicate<String> expectedErrors = message -> false;

  @TempDir Path temp;

  @BeforeAll
  static void startStack() {
    stack = WebClientSessions.startStack();
    page = WebClientSessions.page(stack);
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
    sessions.closeAndCheckConsoles(expectedErrors);
  }

  @Test
  void twoBrowsersRegisterByPinAndTheSenderSeesOneTickThenTwoThenBlueAndThePeerSeesTyping()
      throws Exception {
    String alice = Phones.next();
    String bob = Phones.next();
    List<Browser> pair = registered(Browser.DESKTOP, alice, bob);
    Browser alicesBrowser = pair.get(0);
    Browser bobsBrowser = pair.get(1);
    bobsBrowser.closeTab();

    alicesBrowser.startChat(bob);
    alicesBrowser.type("composer-input", "Lunch at noon?", Keys.ENTER);
    await("accepted while Bob's page is closed")
        .atMost(WAIT)
        .until(() -> "accepted".equals(alicesBrowser.statusOf("Lunch at noon?")));
    assertThat(alicesBrowser.message("Lunch at noon?"))
        .containsEntry("direction", "out")
        .containsEntry("ticks", "✓")
        .containsEntry("read", "false");
    String messageId = alicesBrowser.message("Lunch at noon?").get("id");

    bobsBrowser.get(page);
    await("Bob's page, opened again, lists Alice's chat with one unread")
        .atMost(WAIT)
        .until(
            () ->
                bobsBrowser.chatListReady()
                    && bobsBrowser.chatItem(alice) != null
                    && "1".equals(bobsBrowser.chatItem(alice).get("unread")));
    assertThat(bobsBrowser.chatItem(alice)).containsEntry("last", "Lunch at noon?");
    await("delivered once Bob's browser stored it")
        .atMost(WAIT)
        .until(() -> "delivered".equals(alicesBrowser.statusOf("Lunch at noon?")));
    assertThat(alicesBrowser.message("Lunch at noon?"))
        .containsEntry("ticks", "✓✓")
        .containsEntry("read", "false")
        .containsEntry("id", messageId);

    bobsBrowser.openChat(alice);
    await("Bob sees the message")
        .atMost(WAIT)
        .until(() -> bobsBrowser.message("Lunch at noon?") != null);
    assertThat(bobsBrowser.message("Lunch at noon?")).containsEntry("direction", "in");
    assertThat(bobsBrowser.js("return document.visibilityState")).isEqualTo("visible");
    await("read once shown in Bob's visible tab")
        .atMost(WAIT)
        .until(() -> "read".equals(alicesBrowser.statusOf("Lunch at noon?")));
    assertThat(alicesBrowser.message("Lunch at noon?"))
        .containsEntry("ticks", "✓✓")
        .containsEntry("read", "true");
    assertThat(
            alicesBrowser.statusHistory("Lunch at noon?").stream()
                .filter(status -> !status.startsWith("pending"))
                .toList())
        .as("Alice's ticks, in the order she saw them")
        .containsExactly("accepted ✓", "delivered ✓✓", "read ✓✓ blue");

    // Bob types to Alice's open page.
    assertThat(alicesBrowser.visible("typing-indicator")).isFalse();
    bobsBrowser.type("composer-input", "Yes! See you there");
    await("Alice sees Bob typing")
        .atMost(WAIT)
        .until(() -> alicesBrowser.visible("typing-indicator"));
    assertThat(alicesBrowser.text("typing-indicator")).contains("typing");
    await("and then not, once he paused")
        .atMost(Duration.ofSeconds(20))
        .until(() -> !alicesBrowser.visible("typing-indicator"));
    bobsBrowser.click("composer-send");
    await("Alice gets Bob's answer")
        .atMost(WAIT)
        .until(() -> alicesBrowser.message("Yes! See you there") != null);
    assertThat(alicesBrowser.message("Yes! See you there")).containsEntry("direction", "in");
    await("read at once: Alice has the chat open")
        .atMost(WAIT)
        .until(() -> "read".equals(bobsBrowser.statusOf("Yes! See you there")));

    alicesBrowser.type("composer-input", "Perfect, see you!", Keys.ENTER);
    await("read at once: Bob has the chat open")
        .atMost(WAIT)
        .until(() -> "read".equals(alicesBrowser.statusOf("Perfect, see you!")));
    writeScreenshotIfAsked(alicesBrowser);
  }

  @Test
  void aBrowserLinkedByQrCodeToACliRegisteredNumberGetsItsMessagesAndItsSentTranscripts()
      throws Exception {
    String phone = Phones.next();
    String friend = Phones.next();
    Path home = Files.createDirectories(temp.resolve("cli-home"));
    Process register = cli(home, "register", phone);
    Browser browser = sessions.open(Browser.PHONE);
    await("the PIN's SMS").atMost(WAIT).until(() -> !stack.smsTo(phone).isEmpty());
    try (OutputStream keyboard = register.getOutputStream()) {
      keyboard.write((stack.lastPinSentTo(phone) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    assertThat(finish(register)).contains("Registered " + phone);
    Devices.Inbox friendsInbox = new Devices.Inbox();
    CheckmarkClient friendsPhone = sessions.registeredAndConnected(friend, friendsInbox);

    assertThat(browser.viewport()).isEqualTo(Browser.PHONE);
    browser.click("link-start");
    await("a QR code with its code")
        .atMost(WAIT)
        .until(() -> browser.attribute("link-qr", "data-code") != null);
    String shownCode = browser.attribute("link-qr", "data-code");
    String decoded = decodeQr(browser.one("link-qr").getScreenshotAs(OutputType.BYTES));
    assertThat(decoded).as("the QR code's content").isEqualTo(shownCode);
    assertThat(browser.text("link-code").trim()).isEqualTo(shownCode);

    String approved = finish(cli(home, "approve", "--as", phone, decoded));
    assertThat(approved).contains("Linked device 2");
    await("the linked browser's chat list")
        .atMost(WAIT)
        .until(() -> browser.chatListReady() && "connected".equals(browser.connectionState()));
    browser.click("devices-open");
    await("the number's devices: the primary and this browser, which may unlink only itself")
        .atMost(WAIT)
        .until(
            () ->
                List.of("1", "2").equals(browser.js(ATTRIBUTES, "device-item", "data-device-id"))
                    && List.of("2")
                        .equals(browser.js(ATTRIBUTES, "device-unlink", "data-device-id")));
    browser.driver().switchTo().activeElement().sendKeys(Keys.ESCAPE);
    await("the devices closed").atMost(WAIT).until(() -> !browser.present("devices"));

    friendsPhone.send(phone, "Hi, linked laptop").get(10, TimeUnit.SECONDS);
    await("the friend's message reaches the linked browser")
        .atMost(WAIT)
        .until(() -> browser.chatItem(friend) != null);
    assertThat(browser.chatItem(friend)).containsEntry("last", "Hi, linked laptop");
    browser.openChat(friend);
    await().atMost(WAIT).until(() -> browser.message("Hi, linked laptop") != null);
    assertThat(browser.message("Hi, linked laptop")).containsEntry("direction", "in");

    String primarysKey = Files.readString(home.resolve(phone + ".key")).trim();
    CheckmarkClient primary = sessions.connected(phone, primarysKey, new Devices.Inbox());
    primary.send(friend, "Sent from the primary").get(10, TimeUnit.SECONDS);
    assertThat(friendsInbox.nextMessage().body()).isEqualTo("Sent from the primary");
    await("the primary's message shows on the linked browser as its own")
        .atMost(WAIT)
        .until(() -> browser.message("Sent from the primary") != null);
    assertThat(browser.message("Sent from the primary")).containsEntry("direction", "out");
  }

  @Test
  void anImageSentFromOneBrowserShowsAsThumbnailsOnBothAndOpensDecryptedAtFullSize()
      throws Exception {
    String sender = Phones.next();
    String recipient = Phones.next();
    List<Browser> pair = registered(Browser.DESKTOP, sender, recipient);
    Browser sendersBrowser = pair.get(0);
    Browser recipientsBrowser = pair.get(1);
    Path image = temp.resolve("four colours.png");
    ImageIO.write(fourColours(160, 120), "png", image.toFile());

    sendersBrowser.startChat(recipient);
    sendersBrowser.one("attach-input").sendKeys(image.toString());
    await("the sender's thumbnail")
        .atMost(WAIT)
        .until(() -> thumbnailLoaded(sendersBrowser, "out"));
    assertThat(sendersBrowser.everShown("upload-progress"))
        .as("an upload-progress bar was shown while uploading")
        .isTrue();

    await("the recipient's chat list lists the sender")
        .atMost(WAIT)
        .until(() -> recipientsBrowser.chatItem(sender) != null);
    recipientsBrowser.openChat(sender);
    await("the recipient's thumbnail")
        .atMost(WAIT)
        .until(() -> thumbnailLoaded(recipientsBrowser, "in"));
    recipientsBrowser
        .driver()
        .findElement(
            org.openqa.selenium.By.cssSelector(
                "[data-testid=\"message\"][data-direction=\"in\"] [data-testid=\"media-thumbnail\"]"))
        .click();
    await("the full image, fetched and decrypted")
        .atMost(WAIT)
        .until(
            () ->
                Boolean.TRUE.equals(
                    recipientsBrowser.js(
                        "const img = document.querySelector('[data-testid=\"media-full\"]');"
                            + " return !!img && img.complete && img.naturalWidth > 0;")));
    @SuppressWarnings("unchecked")
    Map<String, Object> full =
        (Map<String, Object>)
            recipientsBrowser.js(
                "const img = document.querySelector('[data-testid=\"media-full\"]');"
                    + " const canvas = document.createElement('canvas');"
                    + " canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;"
                    + " const g = canvas.getContext('2d'); g.drawImage(img, 0, 0);"
                    + " const at = (x, y) => Array.from(g.getImageData(x, y, 1, 1).data.slice(0, 3));"
                    + " return {width: img.naturalWidth, height: img.naturalHeight,"
                    + "  topLeft: at(40, 30), topRight: at(120, 30), bottomLeft: at(40, 90),"
                    + "  bottomRight: at(120, 90)};");
    assertThat(full).containsEntry("width", 160L).containsEntry("height", 120L);
    assertThat(full.get("topLeft")).isEqualTo(List.of(255L, 0L, 0L));
    assertThat(full.get("topRight")).isEqualTo(List.of(0L, 255L, 0L));
    assertThat(full.get("bottomLeft")).isEqualTo(List.of(0L, 0L, 255L));
    assertThat(full.get("bottomRight")).isEqualTo(List.of(255L, 255L, 0L));
  }

  @Test
  void aDroppedConnectionComesBackWithWhatArrivedMeanwhileAndSendsWhatWasTypedOnce()
      throws Exception {
    String phone = Phones.next();
    String friend = Phones.next();
    Devices.Inbox friendsInbox = new Devices.Inbox();
    CheckmarkClient friendsPhone = sessions.registeredAndConnected(friend, friendsInbox);
    Browser browser = registered(Browser.DESKTOP, phone).get(0);
    browser.startChat(friend);
    String connectionId = onlyBrowserConnection();
    browser.js("window.__sameDocument = true;");

    expectedErrors = refusedWebSocket();
    stack.setFaults(refuseConnects());
    assertThat(stack.dropWithoutDisconnect(connectionId)).isTrue();
    await("the page knows it lost its connection")
        .atMost(WAIT)
        .until(() -> !"connected".equals(browser.connectionState()));
    friendsPhone.send(phone, "Sent while you were away").get(10, TimeUnit.SECONDS);
    browser.type("composer-input", "Typed while offline", Keys.ENTER);
    await("shown at once, pending")
        .atMost(WAIT)
        .until(() -> "pending".equals(browser.statusOf("Typed while offline")));
    assertThat(browser.message("Typed while offline")).containsEntry("ticks", "🕓");
    assertThat(friendsInbox.messages).isEmpty();

    stack.healFaults();
    await("connected again")
        .atMost(Duration.ofSeconds(30))
        .until(() -> "connected".equals(browser.connectionState()));
    await("the message sent meanwhile shows without a reload")
        .atMost(WAIT)
        .until(() -> browser.message("Sent while you were away") != null);
    assertThat(browser.js("return window.__sameDocument === true")).isEqualTo(true);
    MessageFrame sent = friendsInbox.nextMessage();
    assertThat(sent.body()).isEqualTo("Typed while offline");
    assertThat(sent.from()).isEqualTo(phone);
    await("sent once: nothing more reaches the friend")
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(friendsInbox.messages::isEmpty);
    await("accepted, then delivered by the friend's ack")
        .atMost(WAIT)
        .until(() -> Set.of("delivered", "read").contains(browser.statusOf("Typed while offline")));
    assertThat(browser.message("Typed while offline")).containsEntry("count", "1");
    assertThat(String.join(" ", browser.connectionStates()))
        .as(
            "connection-status over time: connected, lost (offline between attempts), connecting,"
                + " connected")
        .matches(".*connected (offline )?connecting( \\w+)* connected");
  }

  @Test
  void aReloadShowsTheChatListFromStorageWithinASecondEvenWithoutAConnection() throws Exception {
    String phone = Phones.next();
    String friend = Phones.next();
    CheckmarkClient friendsPhone = sessions.registeredAndConnected(friend, new Devices.Inbox());
    Browser browser = registered(Browser.DESKTOP, phone).get(0);
    friendsPhone.send(phone, "Stored in IndexedDB").get(10, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> browser.chatItem(friend) != null);

    List<Long> readyMs = new ArrayList<>();
    for (int run = 0; run < 3; run++) {
      browser.reload();
      await("the chat list after a reload")
          .atMost(WAIT)
          .until(() -> browser.seen() != null && browser.seen().get("readyAt") != null);
      Map<String, Object> seen = browser.seen();
      assertThat(((Number) seen.get("chatsAtReady")).intValue())
          .as("chats rendered when the list said it was ready")
          .isEqualTo(1);
      readyMs.add(Math.round(((Number) seen.get("readyAt")).doubleValue()));
      await().atMost(WAIT).until(() -> "connected".equals(browser.connectionState()));
    }
    long median = readyMs.stream().sorted().toList().get(1);
    System.out.println(
        "WEB-FIGURE navigation to usable chat list (reload, local stack): "
            + readyMs
            + " ms, median "
            + median
            + " ms (target <= "
            + READY_TARGET_MS
            + " ms)");

    expectedErrors = refusedWebSocket();
    stack.setFaults(refuseConnects());
    try {
      browser.reload();
      await("the chat list with no connection to be had")
          .atMost(WAIT)
          .until(() -> browser.seen() != null && browser.seen().get("readyAt") != null);
      assertThat(browser.chatItem(friend)).containsEntry("last", "Stored in IndexedDB");
      assertThat(browser.seen().get("stateAtReady")).isNotEqualTo("connected");
      assertThat(browser.connectionState()).isNotEqualTo("connected");
      browser.openChat(friend);
      assertThat(browser.message("Stored in IndexedDB")).containsEntry("direction", "in");
    } finally {
      stack.healFaults();
    }
    await("connected once the stack takes connections again")
        .atMost(Duration.ofSeconds(30))
        .until(() -> "connected".equals(browser.connectionState()));
    assertThat(median).as("navigation → usable chat list, ms").isLessThanOrEqualTo(READY_TARGET_MS);
  }

  @Test
  void theClientsFilesAreAtMost150KbGzipped() throws IOException {
    Map<String, Long> gzipped = new TreeMap<>();
    try (var files = Files.list(WEB_FILES)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        gzipped.put(file.getFileName().toString(), gzippedSize(file));
      }
    }
    assertThat(gzipped).containsKeys("index.html", "app.js");
    long total = gzipped.values().stream().mapToLong(Long::longValue).sum();
    System.out.printf(
        "WEB-FIGURE bundle gzipped: %s bytes, total %.1f KB (target <= %d KB)%n",
        gzipped, total / 1024.0, BUNDLE_TARGET_BYTES / 1024);
    assertThat(total).isLessThanOrEqualTo(BUNDLE_TARGET_BYTES);
  }

  // ---- browsers and devices ----

  /**
   * New browsers, one per phone, each registered through its welcome screen and the SMS's PIN;
   * started side by side, since a browser spends most of its start waiting.
   */
  private List<Browser> registered(Dimension size, String... phones) throws Exception {
    ExecutorService starting = Executors.newFixedThreadPool(phones.length);
    try {
      List<Future<Browser>> started = new ArrayList<>();
      for (String phone : phones) {
        started.add(
            starting.submit(
                () -> {
                  Browser browser = sessions.open(size);
                  registerThroughWelcome(stack, browser, phone);
                  return browser;
                }));
      }
      List<Browser> registered = new ArrayList<>();
      for (Future<Browser> browser : started) {
        try {
          registered.add(browser.get());
        } catch (ExecutionException failed) {
          if (failed.getCause() instanceof Error error) {
            throw error;
          }
          throw failed.getCause() instanceof Exception cause ? cause : failed;
        }
      }
      return registered;
    } finally {
      starting.shutdown();
    }
  }

  /**
   * Registers {@code phone} as a user does on the welcome screen: the number, then the PIN the
   * stack's SMS capture shows; returns once the chat list is usable and connected.
   */
  static void registerThroughWelcome(LocalStack stack, Browser browser, String phone) {
    browser.one("welcome");
    browser.type("register-phone", phone);
    browser.click("register-submit");
    await("the PIN's SMS to " + phone).atMost(WAIT).until(() -> !stack.smsTo(phone).isEmpty());
    assertThat(browser.one("pin-hint").getText())
        .as("the hint says where the PIN is")
        .contains("/_aws/sns/sms-messages");
    browser.type("pin-input", stack.lastPinSentTo(phone));
    browser.click("pin-submit");
    await("the chat list of " + phone)
        .atMost(WAIT)
        .until(() -> browser.chatListReady() && "connected".equals(browser.connectionState()));
  }

  /** The one open connection a browser made (its user agent says HeadlessChrome). */
  private String onlyBrowserConnection() throws Exception {
    List<String> ids = new ArrayList<>();
    for (String id : stack.openConnectionIds()) {
      HttpResponse<String> described =
          HTTP.send(
              HttpRequest.newBuilder(
                      stack.endpoint().resolve("/" + stack.stage() + "/@connections/" + id))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (described.statusCode() == 200) {
        JsonNode identity = JSON.readTree(described.body()).path("identity");
        if (identity.path("userAgent").asText().contains("HeadlessChrome")) {
          ids.add(id);
        }
      }
    }
    assertThat(ids).as("connections from a browser").hasSize(1);
    return ids.get(0);
  }

  /** Every {@code $connect} refused with 500 until healed: the stack takes no new connection. */
  private static FaultPlan refuseConnects() {
    return new FaultPlan(
        null,
        null,
        null,
        List.of(
            new FaultPlan.CrashFault(
                "ConnectFunction", FaultPlan.CrashPoint.AFTER_PUSH_BEFORE_REPLY, 1.0)),
        null,
        null,
        null);
  }

  /** The line Chromium itself logs for a WebSocket handshake this stack refused. */
  private static Predicate<String> refusedWebSocket() {
    String socket = "WebSocket connection to '" + stack.webSocketUrl();
    return message -> message.contains(socket) && message.contains("failed");
  }

  private static boolean thumbnailLoaded(Browser browser, String direction) {
    return Boolean.TRUE.equals(
        browser.js(
            "const img = document.querySelector('[data-testid=\"message\"][data-direction=\""
                + direction
                + "\"] [data-testid=\"media-thumbnail\"]');"
                + " return !!img && img.complete && img.naturalWidth > 0;"));
  }

  private static BufferedImage fourColours(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    var g = image.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(0, 0, width / 2, height / 2);
    g.setColor(Color.GREEN);
    g.fillRect(width / 2, 0, width - width / 2, height / 2);
    g.setColor(Color.BLUE);
    g.fillRect(0, height / 2, width / 2, height - height / 2);
    g.setColor(Color.YELLOW);
    g.fillRect(width / 2, height / 2, width - width / 2, height - height / 2);
    g.dispose();
    return image;
  }

  private static String decodeQr(byte[] png) throws Exception {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    int[] pixels =
        image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    LuminanceSource source = new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels);
    return new QRCodeReader()
        .decode(
            new BinaryBitmap(new HybridBinarizer(source)),
            Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE))
        .getText();
  }

  private static long gzippedSize(Path file) throws IOException {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
      gzip.write(Files.readAllBytes(file));
    }
    return compressed.size();
  }

  /** With {@code -Dcheckmark.web.screenshot=FILE}: a screenshot of this browser there. */
  private static void writeScreenshotIfAsked(Browser browser) throws IOException {
    String asked = System.getProperty(SCREENSHOT_PROPERTY, "");
    if (asked.isBlank()) {
      return;
    }
    Path file = ROOT.resolve(asked).normalize();
    Files.createDirectories(file.getParent());
    Files.write(file, browser.screenshot());
    System.out.println("WEB-FIGURE screenshot written: " + file);
  }

  // ---- the CLI, as a user runs it ----

  private Process cli(Path home, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-jar");
    command.add(CLI_JAR.toString());
    command.addAll(List.of(args));
    command.add("--url=" + stack.webSocketUrl());
    command.add("--home");
    command.add(home.toString());
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** Waits for the CLI to end well; returns what it printed. */
  private static String finish(Process process) throws Exception {
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the CLI ends").isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}
