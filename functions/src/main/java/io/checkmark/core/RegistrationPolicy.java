package io.checkmark.core;

import java.util.Map;
import java.util.function.Supplier;

/**
 * What an operator configures about registration.
 *
 * @param phoneNumbers which numbers may register
 * @param testNumbers phone numbers (canonical E.164) with fixed PINs that get no SMS (for tests
 *     against a deployed stack and for app-store review); empty in production unless deliberately
 *     set. Read on first need, not when a function starts: where they come from a secret store,
 *     publishing a SnapStart version (which runs the function's start) must not wait for a grant
 *     that is deployed beside the function
 * @param pinRequestsPerIpPerHour requestPin calls one source address may make in an hour
 * @param smsPerPhonePerDay PIN SMS one number may receive in a day (one a minute at most besides)
 * @param smsPerCallingCodePerHour PIN SMS to all the numbers of one country calling code in an
 *     hour, which bounds what SMS pumping to an expensive country can cost
 * @param authFailuresPerAddressPerHour wrong PINs and wrong device keys tolerated from one source
 *     address in an hour, whatever the phone
 * @param authFailuresPerPhoneAndAddressPerHour wrong PINs and wrong device keys tolerated for one
 *     phone from one source address in an hour (never per phone alone, so no one can lock an owner
 *     out)
 * @param anonymousConnectsPerAddressPerMinute connections without credentials one source address
 *     may open in a minute
 */
public record RegistrationPolicy(
    PhoneNumbers phoneNumbers,
    Supplier<Map<String, String>> testNumbers,
    int pinRequestsPerIpPerHour,
    int smsPerPhonePerDay,
    int smsPerCallingCodePerHour,
    int authFailuresPerAddressPerHour,
    int authFailuresPerPhoneAndAddressPerHour,
    int anonymousConnectsPerAddressPerMinute) {}
