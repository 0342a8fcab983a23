package io.checkmark.core;

import java.util.List;

/**
 * The phones an account blocks. A block is a write to the account item, which the send path reads
 * anyway (through a cache of at most {@link MessagingService#ACCOUNT_REUSE}): it holds on every
 * function within that, and costs the messages of anyone not blocked nothing. A number need not be
 * registered to be blocked, so that blocking tells nothing about it.
 */
public final class BlockList {

  /** Phones an account may block: 1,000 phones keep its item, read on every send, under 20 KB. */
  public static final int MAX_BLOCKED = 1_000;

  private final AccountStore accounts;

  public BlockList(AccountStore accounts) {
    this.accounts = accounts;
  }

  /** Blocks a phone; blocking one already blocked changes nothing. Returns it in E.164. */
  public String block(Session caller, String phone) {
    String blocked = MessagingService.requirePhone("phone", phone);
    if (blocked.equals(caller.phone())) {
      throw Refusal.invalid("you cannot block your own number");
    }
    if (!accounts.block(caller.phone(), caller.keyGeneration(), blocked, MAX_BLOCKED)) {
      currentAccount(caller);
      throw Refusal.invalid(
          "you block " + MAX_BLOCKED + " numbers already; unblock one before blocking another");
    }
    return blocked;
  }

  /** Unblocks a phone; unblocking one not blocked changes nothing. Returns it in E.164. */
  public String unblock(Session caller, String phone) {
    String unblocked = MessagingService.requirePhone("phone", phone);
    if (!accounts.unblock(caller.phone(), caller.keyGeneration(), unblocked)) {
      throw new SessionChanged(caller.connectionId());
    }
    return unblocked;
  }

  /** Every phone the caller's account blocks, in order. */
  public List<String> blocked(Session caller) {
    return currentAccount(caller).blocked().stream().sorted().toList();
  }

  private Account currentAccount(Session caller) {
    return accounts
        .find(caller.phone())
        .filter(account -> account.keyGeneration() == caller.keyGeneration())
        .orElseThrow(() -> new SessionChanged(caller.connectionId()));
  }
}
