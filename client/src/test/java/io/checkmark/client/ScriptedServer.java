package io.checkmark.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A WebSocket server on loopback whose every move the test makes: it records each frame the client
 * sends (with the number of the connection it came on) and answers only what the test tells it to.
 */
final class ScriptedServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Server server = new Server();
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final List<Session> sessions = new CopyOnWriteArrayList<>();
  private final List<Long> upgradeAttempts = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final AtomicInteger refusalsLeft = new AtomicInteger();
  private final Queue<String> greetings = new ConcurrentLinkedQueue<>();
  private final AtomicInteger closesAtOnceLeft = new AtomicInteger();
  private final URI url;

  record Received(int connection, JsonNode frame) {
    String action() {
      return frame.path("action").asText();
    }
  }

  ScriptedServer() throws Exception {
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    server.setHandler(
        WebSocketUpgradeHandler.from(
            server,
            container ->
                container.addMapping(
                    "/ws",
                    (request, response, callback) -> {
                      upgradeAttempts.add(System.nanoTime());
                      String authorization = request.getHeaders().get("Authorization");
                      authorizations.add(authorization == null ? "" : authorization);
                      if (refusalsLeft.getAndDecrement() > 0) {
                        Response.writeError(request, response, callback, 503);
                        return null;
                      }
                      return new Endpoint();
                    })));
    server.start();
    url = URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/ws");
  }

  URI url() {
    return url;
  }

  /** Sends this frame on the next connection the moment it opens, as a push racing the upgrade. */
  void greetNextConnectionWith(String frame) {
    greetings.add(frame);
  }

  /** Closes the next connections the moment they open, as a server that drops them at once. */
  void closeNextConnectionsAtOnce(int count) {
    closesAtOnceLeft.set(count);
  }

  void refuseNextUpgrades(int count) {
    refusalsLeft.set(count);
  }

  List<Long> upgradeAttempts() {
    return upgradeAttempts;
  }

  /** The Authorization header of each upgrade request, in order; empty when there was none. */
  List<String> authorizations() {
    return authorizations;
  }

  int connections() {
    return sessions.size();
  }

  /** The next frame the client sent, waiting up to five seconds. */
  Received next() throws InterruptedException {
    Received frame = received.poll(5, TimeUnit.SECONDS);
    if (frame == null) {
      throw new AssertionError("the client sent nothing within 5 s");
    }
    return frame;
  }

  /** The frames received and not yet taken, taken now; empty when there are none. */
  List<Received> takeAll() {
    List<Received> taken = new ArrayList<>();
    received.drainTo(taken);
    return taken;
  }

  /** The next frame with this action, skipping others (pings, acks) on the way. */
  Received next(String action) throws InterruptedException {
    return next(action, Duration.ofSeconds(5));
  }

  /** As {@link #next(String)}, waiting up to {@code wait} for each frame. */
  Received next(String action, Duration wait) throws InterruptedException {
    while (true) {
      Received frame = poll(wait);
      if (frame == null) {
        throw new AssertionError("the client sent no " + action + " within " + wait);
      }
      if (frame.action().equals(action)) {
        return frame;
      }
    }
  }

  /** The next frame the client sent, or null when none came within {@code wait}. */
  Received poll(Duration wait) throws InterruptedException {
    return received.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Sends a frame on the newest connection. */
  void send(String frame) {
    sessions.get(sessions.size() - 1).sendText(frame, Callback.NOOP);
  }

  /** Answers a request, copying its ref. */
  void reply(Received request, String frameWithoutRef) {
    String ref = request.frame().path("ref").asText();
    send(frameWithoutRef.substring(0, frameWithoutRef.length() - 1) + ",\"ref\":\"" + ref + "\"}");
  }

  void closeNewest() {
    sessions.get(sessions.size() - 1).close(1001, "going away", Callback.NOOP);
  }

  @Override
  public void close() {
    LifeCycle.stop(server);
  }

  /** Jetty binds these methods by reflection, hence public. */
  public final class Endpoint implements Session.Listener.AutoDemanding {
    private int number;

    @Override
    public void onWebSocketOpen(Session session) {
      sessions.add(session);
      number = sessions.size();
      String greeting = greetings.poll();
      if (greeting != null) {
        session.sendText(greeting, Callback.NOOP);
      }
      if (closesAtOnceLeft.getAndDecrement() > 0) {
        session.close(1001, "going away", Callback.NOOP);
      }
    }

    @Override
    public void onWebSocketText(String text) {
      try {
        received.add(new Received(number, JSON.readTree(text)));
      } catch (Exception notJson) {
        throw new AssertionError("the client sent something that is not JSON: " + text, notJson);
      }
    }
  }
}
