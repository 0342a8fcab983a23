package io.checkmark.core;

import java.util.Arrays;
import java.util.Optional;

/** The push services a device can be woken through, each an SNS platform application. */
public enum PushPlatform {
  APNS("apns"),
  APNS_SANDBOX("apns_sandbox"),
  FCM("fcm");

  private final String wireName;

  PushPlatform(String wireName) {
    this.wireName = wireName;
  }

  /** The name clients give in {@code registerPush}. */
  public String wireName() {
    return wireName;
  }

  public static Optional<PushPlatform> named(String wireName) {
    return Arrays.stream(values()).filter(p -> p.wireName.equals(wireName)).findFirst();
  }
}
