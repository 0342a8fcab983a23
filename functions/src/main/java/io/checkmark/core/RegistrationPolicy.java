package io.checkmark.core;

import java.util.Map;

/**
 * What an operator configures about registration.
 *
 * @param phoneNumbers which numbers may register
 * @param testNumbers phone numbers with fixed PINs that get no SMS (for tests against a deployed
 *     stack and for app-store review); empty in production unless deliberately set
 * @param pinRequestsPerIpPerHour requestPin calls one source address may make in an hour
 * @param smsPerPhonePerDay PIN SMS one number may receive in a day (one a minute at most besides)
 * @param authFailuresPerPhonePerHour wrong PINs and wrong device keys tolerated per number in an hour
 */
public record RegistrationPolicy(
    PhoneNumbers phoneNumbers,
    Map<String, String> testNumbers,
    int pinRequestsPerIpPerHour,
    int smsPerPhonePerDay,
    int authFailuresPerPhonePerHour) {

  public RegistrationPolicy {
    testNumbers = Map.copyOf(testNumbers);
  }
}
