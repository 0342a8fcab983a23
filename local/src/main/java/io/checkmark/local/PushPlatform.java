package io.checkmark.local;

import io.checkmark.template.SamTemplate;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * A push service the local stack's SNS has one platform application for, named as SNS names it in
 * ARNs, with the template parameter through which the functions learn that application's ARN.
 */
enum PushPlatform {
  APNS("ApnsPlatformApplicationArn"),
  APNS_SANDBOX("ApnsSandboxPlatformApplicationArn"),
  GCM("FcmPlatformApplicationArn");

  /** The name of each of the local stack's platform applications. */
  static final String APPLICATION_NAME = "checkmark-local";

  private final String templateParameter;

  PushPlatform(String templateParameter) {
    this.templateParameter = templateParameter;
  }

  String templateParameter() {
    return templateParameter;
  }

  String applicationArn(String region) {
    return "arn:aws:sns:"
        + region
        + ":"
        + SamTemplate.LOCAL_ACCOUNT_ID
        + ":app/"
        + name()
        + "/"
        + APPLICATION_NAME;
  }

  /** A new endpoint's ARN under this platform's application, formed as SNS forms it. */
  String newEndpointArn(String region) {
    return "arn:aws:sns:"
        + region
        + ":"
        + SamTemplate.LOCAL_ACCOUNT_ID
        + ":endpoint/"
        + name()
        + "/"
        + APPLICATION_NAME
        + "/"
        + UUID.randomUUID();
  }

  /** The device token as SNS keeps it: Apple's hexadecimal tokens in lower case. */
  String canonicalToken(String token) {
    return this == GCM ? token : token.toLowerCase(Locale.ROOT);
  }

  static Optional<PushPlatform> ofApplication(String applicationArn, String region) {
    return Arrays.stream(values())
        .filter(platform -> platform.applicationArn(region).equals(applicationArn))
        .findFirst();
  }
}
