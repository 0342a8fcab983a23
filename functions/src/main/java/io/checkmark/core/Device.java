package io.checkmark.core;

import java.time.Instant;

/**
 * A device of an account: its id, its key (as a salted hash), the name it asked to be known by
 * (none for the primary), when it was linked (the primary: registered) and when it last
 * disconnected (null until it has).
 */
public record Device(int id, String keyHash, String name, Instant linkedAt, Instant lastSeen) {}
