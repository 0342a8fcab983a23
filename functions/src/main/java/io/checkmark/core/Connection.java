package io.checkmark.core;

import java.time.Instant;

/** One device's open WebSocket, as API Gateway identifies it. */
public record Connection(String id, Instant connectedAt, String sourceIp) {
}
