package io.checkmark.local;

import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * The web client at {@code /} of the HTTP port: its built files from the {@code checkmark-web}
 * jar's {@code web/} folder, and {@code /config.json}, which tells the page where this stack's
 * WebSocket stage and SMS capture are, as seen from the browser's own address.
 */
final class WebClientFiles extends ResourceHandler {

  static final String CONFIG_PATH = "/config.json";
  private static final String FILES = "web/";

  private final String stagePath;

  WebClientFiles(String stagePath) {
    this.stagePath = stagePath;
    Resource files = ResourceFactory.of(this).newClassLoaderResource(FILES);
    if (files == null) {
      throw new IllegalStateException(
          "the web client's files are not on the classpath: build the stack with mvn package");
    }
    setBaseResource(files);
    setDirAllowed(false);
    setWelcomeFiles("index.html");
    // A rebuilt client shows at the next reload, not after a cache expires.
    setCacheControl("no-cache");
  }

  /** True when this answered the request: a file of the client or its configuration. */
  boolean serve(Request request, Response response, Callback callback) throws Exception {
    if (CONFIG_PATH.equals(Request.getPathInContext(request))) {
      String host = request.getHeaders().get(HttpHeader.HOST);
      Map<String, Object> config = new LinkedHashMap<>();
      config.put("webSocketUrl", "ws://" + host + stagePath);
      config.put("localStack", true);
      config.put("smsCaptureUrl", "http://" + host + SmsCapture.MESSAGES_PATH);
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
      HttpResponses.json(response, callback, 200, config);
      return true;
    }
    return handle(request, response, callback);
  }
}
