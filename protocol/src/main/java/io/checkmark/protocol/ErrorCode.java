package io.checkmark.protocol;

/** The error codes of protocols v1 and v2; each error frame carries exactly one. */
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
  LINK_EXPIRED,
  NOT_PRIMARY,
  TOO_MANY_DEVICES,
  DEVICE_UNLINKED,
  UNKNOWN_DEVICE,
  INTERNAL
}
