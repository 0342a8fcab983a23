package io.checkmark.local;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /_checkmark/faults}: {@code GET} the plan in force and the faults injected so far, {@code
 * PUT} a plan (400 with one line when it is not a valid plan), {@code DELETE} to heal. Every answer
 * is the state that then holds.
 */
final class FaultsEndpoint {

  static final String PATH = "/_checkmark/faults";

  private final Faults faults;

  FaultsEndpoint(Faults faults) {
    this.faults = faults;
  }

  /** The plan in force and the counts of what it injected, as the endpoint answers. */
  record State(FaultPlan plan, Map<String, Long> injected) {}

  void handle(Request request, Response response, Callback callback) throws Exception {
    switch (request.getMethod()) {
      case "GET" -> {
        // Nothing to do: the state follows.
      }
      case "PUT" -> {
        try {
          faults.set(FaultPlan.fromJson(Content.Source.asString(request, StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException invalid) {
          HttpResponses.message(response, callback, 400, invalid.getMessage());
          return;
        }
      }
      case "DELETE" -> faults.set(FaultPlan.NONE);
      default -> {
        HttpResponses.message(
            response, callback, 405, PATH + " takes GET, PUT (a fault plan) and DELETE (heal)");
        return;
      }
    }
    HttpResponses.json(response, callback, 200, new State(faults.plan(), faults.injected()));
  }
}
