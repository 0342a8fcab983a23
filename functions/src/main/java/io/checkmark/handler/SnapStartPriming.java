package io.checkmark.handler;

import io.checkmark.core.AccountStore;
import io.checkmark.protocol.Accepted;
import io.checkmark.protocol.ClientRequest;
import io.checkmark.protocol.WireJson;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work done once before Lambda takes a function's SnapStart snapshot, so that restored sandboxes
 * start warm instead of paying it on their first event: parsing and writing a protocol frame
 * (Jackson's serializers for the request and reply records), and, for functions that read accounts,
 * one {@code GetItem} for a number that cannot be registered, which loads and runs the DynamoDB
 * client's whole path: request marshalling, SigV4 signing, the HTTP client, TLS and response
 * unmarshalling. Open connections do not survive a snapshot; the SDK opens new ones after restore.
 * Priming never fails a snapshot: what it could not do is logged and left to the first event.
 */
final class SnapStartPriming implements Resource {

  private static final Logger LOG = LoggerFactory.getLogger(SnapStartPriming.class);

  /** Not E.164, so never a registered phone: the read finds nothing and changes nothing. */
  static final String UNREGISTERABLE_PHONE = "+0";

  private final AccountStore accounts;
  private final boolean readsAccounts;

  private SnapStartPriming(AccountStore accounts, boolean readsAccounts) {
    this.accounts = accounts;
    this.readsAccounts = readsAccounts;
  }

  /**
   * Registers priming of the accounts store with the CRaC runtime; a JVM without CRaC or SnapStart
   * never calls it. CRaC holds resources weakly, so the composition root keeps the returned one.
   */
  static SnapStartPriming register(AccountStore accounts, boolean readsAccounts) {
    SnapStartPriming priming = new SnapStartPriming(accounts, readsAccounts);
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
    try {
      ClientRequest request =
          WireJson.parseRequest(
              "{\"action\":\"send\",\"to\":\"+14155550100\",\"id\":\"priming\",\"body\":\"priming\",\"ref\":\"r\"}");
      WireJson.fields(request, SendHandler.SendRequest.class);
      WireJson.write(new Accepted("priming", "priming", "+14155550100", null, 0), request.ref());
      if (readsAccounts) {
        accounts.find(UNREGISTERABLE_PHONE);
      }
      LOG.debug("primed for the SnapStart snapshot");
    } catch (RuntimeException failure) {
      LOG.warn("SnapStart priming did not finish; the first event will do the rest", failure);
    }
  }
}
