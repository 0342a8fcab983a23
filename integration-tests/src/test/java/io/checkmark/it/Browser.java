package io.checkmark.it;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * One browser, as one device: Debian's headless Chromium in a profile of its own, driven through
 * Debian's chromedriver (never a downloaded one), reading the web client only through its {@code
 * data-testid} hooks (web-spec.md). Collects the browser's console as it goes, so that a test can
 * fail on any error the page logged.
 */
final class Browser implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  /** Long enough for a loaded two-core machine, short enough that a hang fails fast. */
  static final Duration WAIT = Duration.ofSeconds(15);

  static final Dimension DESKTOP = new Dimension(1200, 800);
  static final Dimension PHONE = new Dimension(390, 844);
  private static final int MIN_WINDOW_WIDTH = 500;

  /**
   * Selenium warns at every start that it has no DevTools bindings for this Chromium: none used.
   */
  private static final java.util.logging.Logger CDP_VERSION_WARNINGS =
      java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

  static {
    CDP_VERSION_WARNINGS.setLevel(Level.OFF);
  }

  /**
   * What the test reads back from the page, recorded by a MutationObserver the browser adds to
   * every document before the page's own script runs: every hook that ever appeared (a progress bar
   * shown for a moment included), each value {@code connection-status} took, each outgoing
   * message's statuses in order (by its text), and when the chat list first became usable. It only
   * reads the DOM; the app exposes nothing for tests.
   */
  private static final String RECORDER =
      """
      (() => {
        const seen = window.__checkmarkSeen = {
          testIds: {}, states: [], statuses: {}, readyAt: null, stateAtReady: null, chatsAtReady: 0
        };
        const look = () => {
          for (const el of document.querySelectorAll('[data-testid]')) {
            const id = el.getAttribute('data-testid');
            if (!(id in seen.testIds)) seen.testIds[id] = performance.now();
          }
          const status = document.querySelector('[data-testid="connection-status"]');
          const state = status ? status.getAttribute('data-state') : null;
          if (state && seen.states[seen.states.length - 1] !== state) seen.states.push(state);
          const list = document.querySelector('[data-testid="chat-list"][data-ready="true"]');
          if (list && seen.readyAt === null) {
            seen.readyAt = performance.now();
            seen.stateAtReady = state;
            seen.chatsAtReady = list.querySelectorAll('[data-testid="chat-item"]').length;
          }
          for (const m of document.querySelectorAll(
              '[data-testid="message"][data-direction="out"]')) {
            const body = m.querySelector('[data-testid="message-body"]');
            const key = body ? body.textContent : '';
            const ticks = m.querySelector('[data-testid="ticks"]');
            const now = m.getAttribute('data-status') + ' '
                + (ticks ? ticks.textContent.trim() + (ticks.classList.contains('read') ? ' blue' : '')
                         : '');
            const list = seen.statuses[key] || (seen.statuses[key] = []);
            if (list[list.length - 1] !== now) list.push(now);
          }
        };
        new MutationObserver(look).observe(document,
            {subtree: true, childList: true, attributes: true, characterData: true});
      })();
      """;

  private final ChromeDriver driver;
  private final Path profile;
  private final List<LogEntry> console = new ArrayList<>();

  private final boolean record;

  private Browser(ChromeDriver driver, Path profile, boolean record) {
    this.driver = driver;
    this.profile = profile;
    this.record = record;
  }

  /** A new device: a fresh profile, the page at {@code url}, the DOM recorder on. */
  static Browser open(URI url, Dimension size) {
    return open(url, size, newProfile(), true);
  }

  /**
   * A browser on {@code profile} (a profile an earlier browser left: the same device started
   * again), the page at {@code url}; {@code record} adds the DOM recorder.
   */
  static Browser open(URI url, Dimension size, Path profile, boolean record) {
    requireChromium();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--user-data-dir=" + profile,
        "--window-size=" + size.getWidth() + "," + size.getHeight());
    if (size.getWidth() < MIN_WINDOW_WIDTH) {
      // Headless Chromium makes no window narrower than 500 px: a phone's viewport is emulated.
      options.setExperimentalOption(
          "mobileEmulation",
          Map.of(
              "deviceMetrics",
              Map.of(
                  "width",
                  size.getWidth(),
                  "height",
                  size.getHeight(),
                  "pixelRatio",
                  1.0,
                  "touch",
                  true,
                  "mobile",
                  true)));
    }
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    Browser browser = new Browser(driver, profile, record);
    try {
      if (record) {
        driver.executeCdpCommand(
            "Page.addScriptToEvaluateOnNewDocument", Map.of("source", RECORDER));
      }
      driver.get(url.toString());
    } catch (RuntimeException failed) {
      browser.close();
      throw failed;
    }
    return browser;
  }

  static Path newProfile() {
    try {
      return Files.createTempDirectory("checkmark-chromium-");
    } catch (IOException noTemp) {
      throw new UncheckedIOException(noTemp);
    }
  }

  /** Fails with one line saying what to install: a browser test is never skipped. */
  static void requireChromium() {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      throw new AssertionError(
          "The browser tests need "
              + CHROMIUM
              + " and "
              + CHROMEDRIVER
              + ": install Debian's chromium and chromium-driver (apt-get install -y chromium"
              + " chromium-driver), as .ci/run does.");
    }
  }

  Path profile() {
    return profile;
  }

  ChromeDriver driver() {
    return driver;
  }

  // ---- reading the page through its hooks ----

  static By testId(String id) {
    return By.cssSelector("[data-testid=\"" + id + "\"]");
  }

  /** The first element with this hook, once there is one. */
  WebElement one(String id) {
    await("[data-testid=" + id + "]").atMost(WAIT).until(() -> present(id));
    return driver.findElement(testId(id));
  }

  boolean present(String id) {
    return !driver.findElements(testId(id)).isEmpty();
  }

  /** True when an element with this hook is on the page and shown (not hidden or zero-sized). */
  boolean visible(String id) {
    return Boolean.TRUE.equals(
        js(
            "const el = document.querySelector(arguments[0]);"
                + " if (!el) return false;"
                + " const style = getComputedStyle(el);"
                + " return el.getClientRects().length > 0 && style.visibility !== 'hidden'"
                + " && style.display !== 'none';",
            "[data-testid=\"" + id + "\"]"));
  }

  /** The text of the first element with this hook, or null when there is none. */
  String text(String id) {
    return (String)
        js(
            "const el = document.querySelector(arguments[0]); return el ? el.textContent : null;",
            "[data-testid=\"" + id + "\"]");
  }

  /** An attribute of the first element with this hook, or null. */
  String attribute(String id, String name) {
    return (String)
        js(
            "const el = document.querySelector(arguments[0]);"
                + " return el ? el.getAttribute(arguments[1]) : null;",
            "[data-testid=\"" + id + "\"]",
            name);
  }

  void click(String id) {
    await("click " + id)
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () -> {
              driver.findElement(testId(id)).click();
              return true;
            });
  }

  void type(String id, CharSequence... keys) {
    await("type into " + id)
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () -> {
              driver.findElement(testId(id)).sendKeys(keys);
              return true;
            });
  }

  // ---- the keyboard alone ----

  /**
   * Presses keys as a user does, into whatever has the focus: no element is clicked or aimed at.
   */
  void press(CharSequence... keys) {
    new Actions(driver).sendKeys(keys).perform();
  }

  /** The focused element: its hook ({@code testid}) and {@code peer}, empty when it has none. */
  @SuppressWarnings("unchecked")
  Map<String, String> focused() {
    return (Map<String, String>)
        js(
            "const el = document.activeElement;"
                + " return {testid: (el && el.getAttribute('data-testid')) || '',"
                + "  peer: (el && el.getAttribute('data-peer')) || ''};");
  }

  /** Presses Tab until the element with this hook has the focus; fails after 40 presses. */
  void tabTo(String id) {
    for (int presses = 0; presses <= 40; presses++) {
      if (id.equals(focused().get("testid"))) {
        return;
      }
      press(Keys.TAB);
    }
    throw new AssertionError("40 presses of Tab did not reach " + id + ": " + focused());
  }

  /** The connection's state as {@code connection-status} shows it, or null. */
  String connectionState() {
    return attribute("connection-status", "data-state");
  }

  /** True when the chat list is shown and usable. */
  boolean chatListReady() {
    return "true".equals(attribute("chat-list", "data-ready"));
  }

  /**
   * The chat list's item for a peer: its fields by hook ({@code name}, {@code last}, {@code
   * unread}), or null when there is no such item.
   */
  @SuppressWarnings("unchecked")
  Map<String, String> chatItem(String peer) {
    return (Map<String, String>)
        js(
            "const item = [...document.querySelectorAll('[data-testid=\"chat-item\"]')]"
                + "  .find(el => el.getAttribute('data-peer') === arguments[0]);"
                + " if (!item) return null;"
                + " const text = id => { const el = item.querySelector('[data-testid=\"' + id +"
                + " '\"]'); return el ? el.textContent.trim() : ''; };"
                + " return {name: text('chat-name'), last: text('chat-last'),"
                + " unread: text('chat-unread'), time: text('chat-time')};",
            peer);
  }

  void openChat(String peer) {
    await("open the chat with " + peer)
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () -> {
              driver
                  .findElement(
                      By.cssSelector("[data-testid=\"chat-item\"][data-peer=\"" + peer + "\"]"))
                  .click();
              return peer.equals(attribute("conversation", "data-peer"));
            });
  }

  /** Opens a conversation the way a user starts a new one: its phone, then the button. */
  void startChat(String phone) {
    type("new-chat-phone", phone);
    click("new-chat-submit");
    await("the conversation with " + phone)
        .atMost(WAIT)
        .until(() -> phone.equals(attribute("conversation", "data-peer")));
  }

  /**
   * The conversation's message with this text: {@code id}, {@code direction}, {@code status},
   * {@code ticks} (its text), {@code read} ("true" when the ticks are blue); null when there is
   * none. Several with the same text: the last.
   */
  @SuppressWarnings("unchecked")
  Map<String, String> message(String body) {
    return (Map<String, String>)
        js(
            "const all = [...document.querySelectorAll('[data-testid=\"message\"]')].filter(m => {"
                + "  const b = m.querySelector('[data-testid=\"message-body\"]');"
                + "  return b && b.textContent.trim() === arguments[0]; });"
                + " if (all.length === 0) return null;"
                + " const m = all[all.length - 1];"
                + " const ticks = m.querySelector('[data-testid=\"ticks\"]');"
                + " return {id: m.getAttribute('data-message-id'),"
                + "  direction: m.getAttribute('data-direction'),"
                + "  status: m.getAttribute('data-status'),"
                + "  ticks: ticks ? ticks.textContent.trim() : null,"
                + "  read: ticks ? String(ticks.classList.contains('read')) : null,"
                + "  count: String(all.length)};",
            body);
  }

  /** The status of the outgoing message with this text, or null. */
  String statusOf(String body) {
    Map<String, String> message = message(body);
    return message == null ? null : message.get("status");
  }

  Object js(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> seen() {
    return (Map<String, Object>) js("return window.__checkmarkSeen || null;");
  }

  /** The hooks that appeared on the page since it loaded (the recorder's). */
  @SuppressWarnings("unchecked")
  boolean everShown(String id) {
    Map<String, Object> seen = seen();
    return seen != null && ((Map<String, Object>) seen.get("testIds")).containsKey(id);
  }

  /** Each value {@code connection-status}'s {@code data-state} took since the page loaded. */
  @SuppressWarnings("unchecked")
  List<String> connectionStates() {
    return (List<String>) seen().get("states");
  }

  /** The statuses the outgoing message with this text went through ("accepted ✓", ...). */
  @SuppressWarnings("unchecked")
  List<String> statusHistory(String body) {
    Object history = ((Map<String, Object>) seen().get("statuses")).get(body);
    return history == null ? List.of() : (List<String>) history;
  }

  /**
   * Closes the page's tab, leaving a new blank one: the page and its connection end, while the
   * profile (the device's IndexedDB) stays. Leaving the page by navigating away instead could keep
   * it, frozen with its connection open, in the back/forward cache.
   */
  void closeTab() {
    String closing = driver.getWindowHandle();
    driver.switchTo().newWindow(WindowType.TAB);
    String blank = driver.getWindowHandle();
    driver.switchTo().window(closing).close();
    driver.switchTo().window(blank);
    if (record) {
      driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", RECORDER));
    }
  }

  /** Opens {@code url} in this browser (its profile kept: the same device). */
  void get(URI url) {
    driver.get(url.toString());
  }

  void reload() {
    driver.navigate().refresh();
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> cdp(String command, Map<String, Object> parameters) {
    return driver.executeCdpCommand(command, parameters);
  }

  /**
   * JavaScript heap in use after a full garbage collection, and the page's DOM node count, from the
   * DevTools protocol.
   */
  @SuppressWarnings("unchecked")
  Map<String, Number> heapAfterGc() {
    cdp("Performance.enable", Map.of());
    cdp("HeapProfiler.enable", Map.of());
    cdp("HeapProfiler.collectGarbage", Map.of());
    Map<String, Object> metrics = cdp("Performance.getMetrics", Map.of());
    Map<String, Number> byName = new java.util.TreeMap<>();
    for (Map<String, Object> metric : (List<Map<String, Object>>) metrics.get("metrics")) {
      byName.put((String) metric.get("name"), (Number) metric.get("value"));
    }
    return byName;
  }

  byte[] screenshot() {
    return driver.getScreenshotAs(OutputType.BYTES);
  }

  // ---- the console ----

  /** Everything the page logged so far (read from the driver as it comes, kept here). */
  List<LogEntry> console() {
    try {
      driver.manage().logs().get(LogType.BROWSER).forEach(console::add);
    } catch (RuntimeException gone) {
      // A browser that has quit has nothing more to say.
    }
    return List.copyOf(console);
  }

  /** The console's errors (level SEVERE) that {@code expected} does not account for. */
  List<String> consoleErrors(Predicate<String> expected) {
    return console().stream()
        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .filter(expected.negate())
        .toList();
  }

  /** Quits the browser and deletes its profile. */
  @Override
  public void close() {
    quitKeepingProfile();
    deleteProfile(profile);
  }

  /** Quits the browser and leaves its profile, for the same device to start again. */
  void quitKeepingProfile() {
    console();
    try {
      driver.quit();
    } catch (RuntimeException alreadyGone) {
      // Quitting twice is quitting.
    }
  }

  static void deleteProfile(Path profile) {
    if (!Files.exists(profile)) {
      return;
    }
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException ignored) {
      // A temp dir the OS cleans anyway.
    }
  }

  /** The page's viewport, CSS pixels: what the layout has to fit. */
  Dimension viewport() {
    @SuppressWarnings("unchecked")
    List<Number> size = (List<Number>) js("return [window.innerWidth, window.innerHeight];");
    return new Dimension(size.get(0).intValue(), size.get(1).intValue());
  }
}
