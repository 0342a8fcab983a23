package io.checkmark.local;

import io.checkmark.local.FaultPlan.CrashPoint;

/** An invocation that the fault plan crashed: it failed as a Lambda whose process died fails. */
final class InjectedCrash extends RuntimeException {

  InjectedCrash(CrashPoint point) {
    // A fault on purpose, not a bug: no stack trace to fill.
    super("crashed at " + point.jsonName() + " (fault injected)", null, false, false);
  }

  /** Refusing a call the crashed invocation tried to make. */
  InjectedCrash(CrashPoint point, String call) {
    super(
        call + " not made: the invocation crashed at " + point.jsonName() + " (fault injected)",
        null,
        false,
        false);
  }
}
