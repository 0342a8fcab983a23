package io.checkmark.protocol;

/** The reply to {@code setPrivacy}: the setting holds from now on. */
public record PrivacySet() implements ServerFrame {}
