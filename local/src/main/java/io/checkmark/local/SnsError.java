package io.checkmark.local;

/**
 * An error SNS answers with: the code the AWS SDKs turn into their exception class ({@code
 * NotFound} into {@code NotFoundException}), its HTTP status, and one line saying why.
 */
final class SnsError extends RuntimeException {

  private final String code;
  private final int status;

  private SnsError(String code, int status, String message) {
    // A reply, not a failure of the stack: no stack trace to fill.
    super(message, null, false, false);
    this.code = code;
    this.status = status;
  }

  static SnsError invalidParameter(String message) {
    return new SnsError("InvalidParameter", 400, message);
  }

  static SnsError notFound(String message) {
    return new SnsError("NotFound", 404, message);
  }

  static SnsError endpointDisabled() {
    return new SnsError("EndpointDisabled", 400, "Endpoint is disabled");
  }

  /** SNS failing on its side: a 500 the SDKs retry. */
  static SnsError internalError() {
    return new SnsError(
        "InternalError", 500, "Request could not be completed due to an internal error");
  }

  /** A required parameter missing, as SNS's request validation words it. */
  static SnsError missing(String parameter) {
    return new SnsError(
        "ValidationError",
        400,
        "1 validation error detected: Value null at '"
            + parameter
            + "' failed to satisfy constraint: Member must not be null");
  }

  static SnsError invalidAction(String message) {
    return new SnsError("InvalidAction", 400, message);
  }

  String code() {
    return code;
  }

  int status() {
    return status;
  }
}
