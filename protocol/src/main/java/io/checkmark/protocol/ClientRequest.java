package io.checkmark.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One client frame, parsed: the {@code action} that routed it, the {@code ref} to copy into the
 * reply, the client's {@code id} (echoed in errors, so a client can tell which send failed), and
 * the whole object for the action's own fields.
 */
public record ClientRequest(String action, String ref, String id, ObjectNode fields) {}
