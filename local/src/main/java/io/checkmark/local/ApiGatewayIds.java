package io.checkmark.local;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;

/** Identifiers and timestamps in the forms API Gateway gives them. */
final class ApiGatewayIds {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** API Gateway's requestTime, such as {@code 25/Nov/2026:02:37:52 +0000}. */
  private static final DateTimeFormatter REQUEST_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  private ApiGatewayIds() {}

  /**
   * A 16-character id like API Gateway's ({@code L0SM9cOFvHcCIhw=}); URL-safe, because clients put
   * connection ids into {@code @connections} paths.
   */
  static String newId() {
    byte[] bytes = new byte[11];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().encodeToString(bytes);
  }

  static String requestTime(Instant instant) {
    return REQUEST_TIME.format(instant);
  }
}
