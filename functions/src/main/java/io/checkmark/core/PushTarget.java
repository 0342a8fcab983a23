package io.checkmark.core;

import java.time.Instant;

/**
 * Where a device is woken: its platform endpoint (one per push token), for the registration (key
 * generation) it was registered under, and when it was last pushed to (null: never).
 */
public record PushTarget(
    DeviceRef device,
    long keyGeneration,
    PushPlatform platform,
    String endpoint,
    Instant registeredAt,
    Instant pushedAt) {}
