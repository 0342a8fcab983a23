package io.checkmark.core;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a stored group event into the queue of every device of its recipients, in steps of at most
 * 99 copies, each step one atomic write that also moves the event's progress marker on (see {@link
 * MessageQueue#storeFanOutStep}). However often the event engine delivers the event, and wherever a
 * run stopped, every device gets exactly one copy: a run goes on from the marker, and a step whose
 * marker another run moved stores nothing. A recipient's devices are always in one step. The copies
 * of each step are pushed to live devices while the next step is written, a bounded number of
 * phones at a time (the executor's threads).
 */
public final class GroupFanOut {

  private static final int ACCOUNTS_PER_READ = 100;
  private static final int ACCOUNTS_KEPT = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(GroupFanOut.class);

  private final AccountStore accounts;
  private final MessageQueue queue;
  private final DevicePushes pushes;
  private final Executor pushing;
  private final Metrics metrics;
  private final Clock clock;

  /**
   * Accounts read by recent fan-outs, reused for {@link MessagingService#ACCOUNT_REUSE} counted
   * from when their read began, as sends reuse theirs: a device is told it is linked only that long
   * after it was stored, so every copy of an account still in use by then holds it.
   */
  private final ExpiringCache<String, Account> recentAccounts;

  /**
   * @param pushing runs the pushes, one phone per task; its thread count bounds how many phones are
   *     pushed to at once
   */
  public GroupFanOut(
      AccountStore accounts,
      MessageQueue queue,
      DevicePushes pushes,
      Executor pushing,
      Metrics metrics,
      Clock clock) {
    this.accounts = accounts;
    this.queue = queue;
    this.pushes = pushes;
    this.pushing = pushing;
    this.metrics = metrics;
    this.clock = clock;
    this.recentAccounts = new ExpiringCache<>(ACCOUNTS_KEPT, MessagingService.ACCOUNT_REUSE, clock);
  }

  /**
   * Stores every copy of the event that is not stored yet, and pushes the copies this run stored;
   * returns once they are pushed. Returns how many copies this run stored.
   */
  public int deliver(GroupEvent event) {
    List<String> recipients = event.recipients();
    List<CompletableFuture<Void>> pushed = new ArrayList<>();
    int stored = 0;
    int next = queue.fanOutProgress(event.messageId());
    while (next < recipients.size()) {
      int readEnd = Math.min(recipients.size(), next + ACCOUNTS_PER_READ);
      Map<String, Account> found = accountsOf(recipients.subList(next, readEnd));
      int from = next;
      List<QueueItem> step = new ArrayList<>();
      boolean overtaken = false;
      for (int at = next; at < readEnd && !overtaken; at++) {
        List<QueueItem> copies = copiesFor(event, found.get(recipients.get(at)));
        if (step.size() + copies.size() > MessageQueue.MAX_FAN_OUT_COPIES) {
          overtaken = !store(event, from, at, step, pushed);
          stored += overtaken ? 0 : step.size();
          from = at;
          step = new ArrayList<>();
        }
        step.addAll(copies);
      }
      if (!overtaken) {
        overtaken = !store(event, from, readEnd, step, pushed);
        stored += overtaken ? 0 : step.size();
      }
      // Another run of the same event moved the marker: go on from where it is now.
      next = overtaken ? queue.fanOutProgress(event.messageId()) : readEnd;
    }
    CompletableFuture.allOf(pushed.toArray(CompletableFuture[]::new)).join();
    metrics.count("GroupCopiesStored", stored);
    return stored;
  }

  /** The recipients' accounts, from recent reads where they are, the others read in one request. */
  private Map<String, Account> accountsOf(List<String> phones) {
    Map<String, Account> found = new HashMap<>();
    List<String> missing = new ArrayList<>();
    for (String phone : phones) {
      recentAccounts
          .get(phone)
          .ifPresentOrElse(account -> found.put(phone, account), () -> missing.add(phone));
    }
    if (!missing.isEmpty()) {
      Instant readBegan = clock.instant();
      accounts
          .findAll(missing)
          .forEach(
              (phone, account) -> {
                recentAccounts.put(phone, account, readBegan);
                found.put(phone, account);
              });
    }
    return found;
  }

  private List<QueueItem> copiesFor(GroupEvent event, Account account) {
    List<QueueItem> copies = new ArrayList<>();
    if (account == null) {
      // Unregistered since the event was stored: nothing to deliver to.
      return copies;
    }
    for (int device : account.deviceIds()) {
      DeviceRef owner = new DeviceRef(account.phone(), device);
      if (!owner.equals(event.excluded())) {
        copies.add(event.item().withOwner(owner));
      }
    }
    return copies;
  }

  private boolean store(
      GroupEvent event,
      int from,
      int to,
      List<QueueItem> copies,
      List<CompletableFuture<Void>> pushed) {
    if (!queue.storeFanOutStep(event, from, to, copies)) {
      return false;
    }
    DevicePushes.byPhone(copies)
        .forEach(
            (phone, items) ->
                pushed.add(CompletableFuture.runAsync(() -> pushQuietly(phone, items), pushing)));
    return true;
  }

  /** A failed push loses nothing: the copy is stored and waits for {@code sync}. */
  private void pushQuietly(String phone, List<QueueItem> items) {
    try {
      pushes.pushToPhone(phone, items);
    } catch (RuntimeException failure) {
      metrics.count("PushFailures", items.size(), "cause", "lookup");
      LOG.warn("pushing a group event to {}'s devices failed: {}", phone, failure.toString());
    }
  }
}
