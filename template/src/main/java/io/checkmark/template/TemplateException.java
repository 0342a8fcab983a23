package io.checkmark.template;

/** A template that cannot be read or does not describe a stack the local tools can run. */
public class TemplateException extends RuntimeException {
  public TemplateException(String message) {
    super(message);
  }

  public TemplateException(String message, Throwable cause) {
    super(message, cause);
  }
}
