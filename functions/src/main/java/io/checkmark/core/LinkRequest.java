package io.checkmark.core;

import java.time.Instant;

/**
 * A new device waiting to be linked: the hash of the code it shows, the anonymous connection it
 * waits on, the name it asked for, and when the code expires.
 */
public record LinkRequest(String codeHash, String connectionId, String name, Instant expiresAt) {}
