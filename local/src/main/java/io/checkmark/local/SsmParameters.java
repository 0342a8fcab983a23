package io.checkmark.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * AWS Systems Manager Parameter Store's {@code GetParameter}, in its JSON 1.1 protocol ({@code
 * X-Amz-Target: AmazonSSM.GetParameter}), serving SecureString parameters from values the stack was
 * started with: what a function reads its secrets through in AWS.
 */
final class SsmParameters {

  static final String TARGET_PREFIX = "AmazonSSM.";
  private static final String JSON_1_1 = "application/x-amz-json-1.1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> values;
  private final String arnPrefix;
  private final Instant startedAt = Instant.now();

  SsmParameters(Map<String, String> values, String region, String accountId) {
    this.values = Map.copyOf(values);
    this.arnPrefix = "arn:aws:ssm:" + region + ":" + accountId + ":parameter";
  }

  void handle(Request request, Response response, Callback callback, String target)
      throws Exception {
    if (!target.equals(TARGET_PREFIX + "GetParameter")) {
      error(
          response,
          callback,
          "InvalidAction",
          target + " is not emulated by the local stack; only GetParameter is");
      return;
    }
    JsonNode body = JSON.readTree(Content.Source.asString(request, StandardCharsets.UTF_8));
    String name = body.path("Name").asText("");
    String value = values.get(name);
    if (value == null) {
      error(
          response,
          callback,
          "ParameterNotFound",
          "no parameter " + name + " (give it to the local stack with --ssm-parameter NAME=VALUE)");
      return;
    }
    ObjectNode parameter =
        JSON.createObjectNode()
            .put("Name", name)
            .put("Type", "SecureString")
            // Without decryption AWS returns the ciphertext: something unreadable stands in for it.
            .put(
                "Value",
                body.path("WithDecryption").asBoolean(false)
                    ? value
                    : Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)))
            .put("Version", 1)
            .put("LastModifiedDate", startedAt.getEpochSecond())
            .put("ARN", arnPrefix + (name.startsWith("/") ? name : "/" + name))
            .put("DataType", "text");
    ObjectNode reply = JSON.createObjectNode();
    reply.set("Parameter", parameter);
    HttpResponses.write(response, callback, 200, JSON_1_1, reply.toString());
  }

  /** An error in the JSON 1.1 protocol: the SDK reads its type from {@code __type}. */
  private static void error(Response response, Callback callback, String type, String message) {
    ObjectNode error = JSON.createObjectNode().put("__type", type).put("message", message);
    HttpResponses.write(response, callback, 400, JSON_1_1, error.toString());
  }
}
