package io.checkmark.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import io.checkmark.core.Account;
import io.checkmark.core.AccountStore;
import io.checkmark.core.ConnectionPusher;
import io.checkmark.core.DevicePushes;
import io.checkmark.core.DeviceRef;
import io.checkmark.core.MessageIds;
import io.checkmark.core.MessageQueue;
import io.checkmark.core.Metrics;
import io.checkmark.core.PhoneNumbers;
import io.checkmark.core.QueueItem;
import io.checkmark.core.RateLimiter;
import io.checkmark.core.Refusal;
import io.checkmark.core.Session;
import io.checkmark.core.SessionChanged;
import io.checkmark.protocol.Accepted;
import io.checkmark.protocol.ClientRequest;
import io.checkmark.protocol.ErrorCode;
import io.checkmark.protocol.ErrorFrame;
import io.checkmark.protocol.WireJson;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work done once before Lambda takes a function's SnapStart snapshot, so that restored sandboxes
 * start warm instead of paying it on their first event. It runs the real hot path of a message with
 * inputs every write of it refuses: Jackson's readers and writers for the request and every frame a
 * send answers or pushes; a message id minted with a throwaway key; and, for functions that read
 * accounts, a send refused by its handler and each DynamoDB request of a send (the session's {@code
 * GetItem}, the accounts' {@code BatchGetItem}, the connections' {@code Query}, the message's
 * {@code TransactWriteItems} and the last seen's {@code UpdateItem}), which loads and runs the
 * client's whole path: request marshalling, SigV4 signing, the HTTP client, TLS, response and error
 * unmarshalling. Nothing is written: the keys are of numbers that cannot be registered and of a
 * connection id API Gateway cannot issue, so the transaction's session check and the update's
 * condition fail and DynamoDB commits nothing of either; the one transaction that commits is a
 * single condition check. A push to that connection id is answered 410 Gone (or 400) by API Gateway
 * and reaches no one; Secrets Manager is asked for a secret no one can name.
 *
 * <p>The message id key is not read here: a secret read before the snapshot would live in every
 * restored sandbox until the next version is published, past its rotation. The first event reads
 * it. Open connections do not survive a snapshot; the SDK opens new ones after restore. Priming
 * never fails a snapshot: what a step could not do is logged and left to the first event.
 */
final class SnapStartPriming implements Resource {

  private static final Logger LOG = LoggerFactory.getLogger(SnapStartPriming.class);

  /** Not E.164, so never a registered phone: reads find nothing, conditions on it fail. */
  static final String UNREGISTERABLE_PHONE = "+0";

  /** A second such number, for the two-key {@code BatchGetItem} of a send's accounts. */
  static final String OTHER_UNREGISTERABLE_PHONE = "+00";

  /**
   * A connection id API Gateway never issues (its ids are 16 base64 characters, without {@code -}):
   * never bound, so the session check of a transaction on it fails.
   */
  static final String UNISSUABLE_CONNECTION = "snapstart-priming";

  private final Composition root;
  private final boolean readsAccounts;

  private SnapStartPriming(Composition root, boolean readsAccounts) {
    this.root = root;
    this.readsAccounts = readsAccounts;
  }

  /**
   * Registers priming of the composition root's hot path with the CRaC runtime; a JVM without CRaC
   * or SnapStart never calls it. CRaC holds resources weakly, so the composition root keeps the
   * returned one.
   */
  static SnapStartPriming register(Composition root, boolean readsAccounts) {
    SnapStartPriming priming = new SnapStartPriming(root, readsAccounts);
    Core.getGlobalContext().register(priming);
    return priming;
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    prime();
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    // Nothing to undo: priming keeps no connection or secret, only loaded and exercised classes.
  }

  void prime() {
    Clock clock = root.clock();
    Session unbound =
        new Session(UNISSUABLE_CONNECTION, UNREGISTERABLE_PHONE, Account.PRIMARY, Long.MIN_VALUE);
    QueueItem.Message message =
        new QueueItem.Message(
            DeviceRef.primaryOf(OTHER_UNREGISTERABLE_PHONE),
            throwawayMessageIds(clock).next(UNREGISTERABLE_PHONE, OTHER_UNREGISTERABLE_PHONE),
            UNREGISTERABLE_PHONE,
            unbound.deviceId(),
            null,
            null,
            "priming",
            "priming",
            null,
            clock.instant());
    step("JSON", () -> json(message));
    if (!readsAccounts) {
      LOG.debug("primed for the SnapStart snapshot");
      return;
    }
    step("a refused send", this::refusedSend);
    step("the accounts' read", () -> readAccounts(root.accounts()));
    step(
        "the recipient's push",
        () ->
            new DevicePushes(root.connections(), root.pusher(), Metrics.NONE)
                .push(List.of(message)));
    step("the message's transaction", () -> refusedStore(root.messages(), unbound, message));
    step("a committed transaction", this::committedTransaction);
    step("the last seen's update", () -> root.sessions().acted(unbound));
    step("a push", () -> pushToNoOne(root.pusher(), message));
    step("Secrets Manager", root::askForNoSecret);
    LOG.debug("primed for the SnapStart snapshot");
  }

  private static void json(QueueItem.Message message) {
    ClientRequest request =
        WireJson.parseRequest(
            "{\"action\":\"send\",\"to\":\"+14155550100\",\"id\":\"priming\",\"body\":\"priming\",\"ref\":\"r\"}");
    PhoneNumbers.canonical(WireJson.fields(request, SendHandler.SendRequest.class).to());
    WireJson.write(new Accepted("priming", "priming", "+14155550100", null, 0), request.ref());
    WireJson.write(
        ErrorFrame.of(Frames.refused(Refusal.invalid("priming")), request), request.ref());
    WireJson.write(Frames.of(message));
    Frames.sizeAsPushed(message.copyFor(message.owner(), UNREGISTERABLE_PHONE));
  }

  /**
   * A send from a connection that never logged in, through the handler every route shares: parsed,
   * checked against the connections table, refused, answered and logged.
   */
  private void refusedSend() {
    APIGatewayV2WebSocketEvent event = new APIGatewayV2WebSocketEvent();
    event.setBody(
        "{\"action\":\"send\",\"to\":\"+14155550100\",\"id\":\"priming\",\"body\":\"priming\"}");
    APIGatewayV2WebSocketEvent.RequestContext request =
        new APIGatewayV2WebSocketEvent.RequestContext();
    request.setConnectionId(UNISSUABLE_CONNECTION);
    request.setRouteKey("send");
    request.setEventType("MESSAGE");
    event.setRequestContext(request);
    String reply = new SendHandler(root).handleRequest(event, null).getBody();
    if (!reply.contains(ErrorCode.UNAUTHORIZED.name())) {
      throw new IllegalStateException("a send from " + UNISSUABLE_CONNECTION + " was not refused");
    }
  }

  private static void readAccounts(AccountStore accounts) {
    accounts.findAll(
        new LinkedHashSet<>(List.of(UNREGISTERABLE_PHONE, OTHER_UNREGISTERABLE_PHONE)));
  }

  /**
   * The transaction a send commits, on a session no connection is bound to: its session check
   * fails, so DynamoDB cancels the whole transaction, the dedup record and the send limit's hit
   * included.
   */
  private static void refusedStore(
      MessageQueue messages, Session unbound, QueueItem.Message message) {
    try {
      messages.storeOnce(
          unbound,
          OTHER_UNREGISTERABLE_PHONE,
          message,
          List.of(message),
          new RateLimiter.Limit("sends#" + unbound.phone(), 1, Duration.ofSeconds(10)));
      throw new IllegalStateException("a transaction on an unbound session was committed");
    } catch (SessionChanged refused) {
      // Cancelled by its session check, as expected: nothing was written.
    }
  }

  /** A transaction that commits and writes nothing: one condition check that holds. */
  private void committedTransaction() {
    if (!root.connectionsTable().absentInTransaction(UNISSUABLE_CONNECTION)) {
      throw new IllegalStateException("a connection API Gateway cannot issue has a row");
    }
  }

  private static void pushToNoOne(ConnectionPusher pusher, QueueItem.Message message) {
    pusher.push(UNISSUABLE_CONNECTION, message);
  }

  /** Message ids minted with a key of zeros that is used for priming and then dropped. */
  private static MessageIds throwawayMessageIds(Clock clock) {
    return new MessageIds(clock, new SecureRandom(), () -> new byte[32]);
  }

  private static void step(String what, Runnable work) {
    try {
      work.run();
    } catch (RuntimeException failure) {
      LOG.warn("SnapStart priming of {} did not finish; the first event will do it", what, failure);
    }
  }
}
