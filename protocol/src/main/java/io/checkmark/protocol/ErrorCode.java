package io.checkmark.protocol;

/** The error codes of protocol v1; each error frame carries exactly one. */
public enum ErrorCode {
  BAD_REQUEST,
  UNKNOWN_ACTION,
  UNAUTHORIZED,
  INVALID_PHONE,
  RATE_LIMITED,
  INVALID_PIN,
  PIN_EXPIRED,
  TOO_MANY_ATTEMPTS,
  UNKNOWN_RECIPIENT,
  MESSAGE_TOO_LARGE,
  DEVICE_REPLACED,
  INTERNAL
}
