package io.checkmark.local;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Secrets Manager's {@code GetSecretValue} (AWS JSON 1.1, {@code X-Amz-Target:
 * secretsmanager.GetSecretValue}) for the secrets the template declares, by ARN or name, so that
 * the functions' real {@code SecretsManagerClient} works through the endpoint override. The values
 * are given at construction: random ones per start, or values kept from an earlier run.
 */
final class LocalSecrets {

  static final String TARGET_PREFIX = "secretsmanager.";
  private static final String ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final int GENERATED_LENGTH = 64;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEPT_FILE = "secrets.json";

  private final Map<String, String> valuesByArn;
  private final Instant createdAt = Instant.now();

  /**
   * @param valuesByArn each declared secret's ARN (as {@code Ref} gives it) and its value
   */
  LocalSecrets(Map<String, String> valuesByArn) {
    this.valuesByArn = Map.copyOf(valuesByArn);
  }

  /**
   * The secrets the template declares: with a persistence directory, the values kept in its {@value
   * #KEPT_FILE} (new secrets get new values, written back), so that what was minted with a secret,
   * such as message ids, stays valid across restarts; without one, fresh values.
   */
  static LocalSecrets forTemplate(Collection<String> arns, Path persistDirectory)
      throws IOException {
    if (persistDirectory == null) {
      return new LocalSecrets(generated(arns));
    }
    Path kept = persistDirectory.resolve(KEPT_FILE);
    Map<String, String> values = new LinkedHashMap<>();
    if (Files.exists(kept)) {
      values.putAll(JSON.readValue(kept.toFile(), new TypeReference<Map<String, String>>() {}));
    }
    List<String> missing = arns.stream().filter(arn -> !values.containsKey(arn)).toList();
    if (!missing.isEmpty()) {
      values.putAll(generated(missing));
      Files.createDirectories(persistDirectory);
      JSON.writerWithDefaultPrettyPrinter().writeValue(kept.toFile(), values);
    }
    return new LocalSecrets(values);
  }

  /**
   * A fresh random value (64 letters and digits, as the template's GenerateSecretString) for each
   * ARN.
   */
  static Map<String, String> generated(Collection<String> arns) {
    SecureRandom random = new SecureRandom();
    Map<String, String> values = new LinkedHashMap<>();
    for (String arn : arns) {
      StringBuilder value = new StringBuilder(GENERATED_LENGTH);
      for (int i = 0; i < GENERATED_LENGTH; i++) {
        value.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
      }
      values.put(arn, value.toString());
    }
    return values;
  }

  void handle(String target, Request request, Response response, Callback callback)
      throws Exception {
    if (!"secretsmanager.GetSecretValue".equals(target)) {
      HttpResponses.awsJsonError(
          response,
          callback,
          400,
          "InvalidRequestException",
          target + " is not served here; the local stack serves GetSecretValue only");
      return;
    }
    JsonNode body = JSON.readTree(Content.Source.asString(request));
    String secretId = body.path("SecretId").asText("");
    Optional<Map.Entry<String, String>> secret =
        valuesByArn.entrySet().stream()
            .filter(
                entry -> entry.getKey().equals(secretId) || nameOf(entry.getKey()).equals(secretId))
            .findFirst();
    if (secret.isEmpty()) {
      HttpResponses.awsJsonError(
          response,
          callback,
          400,
          "ResourceNotFoundException",
          "Secrets Manager can't find the specified secret.");
      return;
    }
    ObjectNode value = JSON.createObjectNode();
    value.put("ARN", secret.get().getKey());
    value.put("Name", nameOf(secret.get().getKey()));
    value.put("SecretString", secret.get().getValue());
    value.put("VersionId", "00000000-0000-0000-0000-000000000001");
    value.putArray("VersionStages").add("AWSCURRENT");
    value.put("CreatedDate", createdAt.getEpochSecond());
    HttpResponses.write(response, callback, 200, "application/x-amz-json-1.1", value.toString());
  }

  /** {@code arn:aws:secretsmanager:<region>:<account>:secret:<name>}: the name. */
  private static String nameOf(String arn) {
    return arn.substring(arn.indexOf(":secret:") + ":secret:".length());
  }
}
