package io.checkmark.it;

import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * Records every AWS call made in this JVM as the IAM action it needs, the resource it touches and
 * the access key that signed it: on the local stack each function signs with its own key (its
 * logical id), so the calls tell which function needs which permission. Registered for every SDK
 * client through the SDK's global interceptor list (test resources).
 */
public final class AwsCallRecorder implements ExecutionInterceptor {

  private static final Pattern ACCESS_KEY = Pattern.compile("Credential=([^/]+)/");
  static final Set<Call> CALLS = ConcurrentHashMap.newKeySet();

  /**
   * DynamoDB requests signed by the local stack's functions (not by tests), counted one per HTTP
   * request.
   */
  static final java.util.concurrent.atomic.AtomicLong FUNCTION_DYNAMODB_REQUESTS =
      new java.util.concurrent.atomic.AtomicLong();

  /** One permission a call needed: who signed it, the IAM action, and the resource it names. */
  record Call(String signer, String action, String resource) {}

  /**
   * A presigned URL's use, recorded when a client sends it: it acts with the permissions of the
   * function that signed it ({@code X-Amz-Credential}), on the object its path names.
   */
  static void recordPresigned(String method, String url) {
    Matcher signer = PRESIGNED_BY.matcher(url);
    if (!signer.find()) {
      throw new IllegalArgumentException("not a SigV4 presigned URL: " + url);
    }
    String path = URI.create(url).getPath().substring(1);
    CALLS.add(
        new Call(
            signer.group(1),
            method.equals("PUT") ? "s3:PutObject" : "s3:GetObject",
            "arn:aws:s3:::" + path));
  }

  private static final Pattern PRESIGNED_BY = Pattern.compile("X-Amz-Credential=([^%&/]+)");

  @Override
  public void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes attributes) {
    Matcher key =
        ACCESS_KEY.matcher(context.httpRequest().firstMatchingHeader("Authorization").orElse(""));
    if (!key.find()) {
      return;
    }
    String signer = key.group(1);
    String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    SdkRequest request = context.request();
    switch (service.toLowerCase(java.util.Locale.ROOT)) {
      case "apigatewaymanagementapi" ->
          CALLS.add(
              new Call(
                  signer,
                  "execute-api:ManageConnections",
                  context.httpRequest().method() + " " + context.httpRequest().encodedPath()));
      case "dynamodb" -> {
        if (signer.endsWith("Function")) {
          FUNCTION_DYNAMODB_REQUESTS.incrementAndGet();
        }
        if (request instanceof TransactWriteItemsRequest transaction) {
          // A transaction needs the action of each of its items.
          transaction
              .transactItems()
              .forEach(
                  item -> {
                    if (item.put() != null) {
                      CALLS.add(
                          new Call(signer, "dynamodb:PutItem", "table/" + item.put().tableName()));
                    }
                    if (item.update() != null) {
                      CALLS.add(
                          new Call(
                              signer, "dynamodb:UpdateItem", "table/" + item.update().tableName()));
                    }
                    if (item.delete() != null) {
                      CALLS.add(
                          new Call(
                              signer, "dynamodb:DeleteItem", "table/" + item.delete().tableName()));
                    }
                    if (item.conditionCheck() != null) {
                      CALLS.add(
                          new Call(
                              signer,
                              "dynamodb:ConditionCheckItem",
                              "table/" + item.conditionCheck().tableName()));
                    }
                  });
          return;
        }
        String table = request.getValueForField("TableName", String.class).orElse(null);
        if (table != null) {
          String index =
              request
                  .getValueForField("IndexName", String.class)
                  .map(name -> "/index/" + name)
                  .orElse("");
          CALLS.add(new Call(signer, "dynamodb:" + operation, "table/" + table + index));
        }
        request
            .getValueForField("RequestItems", java.util.Map.class)
            .ifPresent(
                items ->
                    ((java.util.Map<?, ?>) items)
                        .keySet()
                        .forEach(
                            name ->
                                CALLS.add(
                                    new Call(signer, "dynamodb:" + operation, "table/" + name))));
      }
      // A parameter's ARN ends in parameter/<name without its leading slash>.
      case "ssm" ->
          CALLS.add(
              new Call(
                  signer,
                  "ssm:" + operation,
                  "parameter/"
                      + request
                          .getValueForField("Name", String.class)
                          .orElse("")
                          .replaceFirst("^/", "")));
      case "secretsmanager" ->
          CALLS.add(
              new Call(
                  signer,
                  "secretsmanager:" + operation,
                  request.getValueForField("SecretId", String.class).orElse("*")));
      // HeadObject needs s3:GetObject; the resource is the object's ARN.
      case "s3" ->
          CALLS.add(
              new Call(
                  signer,
                  "s3:" + (operation.equals("HeadObject") ? "GetObject" : operation),
                  "arn:aws:s3:::"
                      + request.getValueForField("Bucket", String.class).orElse("")
                      + "/"
                      + request.getValueForField("Key", String.class).orElse("")));
      // Mobile push names its platform application or endpoint; an SMS names no resource.
      case "sns" ->
          CALLS.add(
              new Call(
                  signer,
                  "sns:" + operation,
                  request
                      .getValueForField("PlatformApplicationArn", String.class)
                      .or(() -> request.getValueForField("EndpointArn", String.class))
                      .or(() -> request.getValueForField("TargetArn", String.class))
                      .orElse("*")));
      default -> CALLS.add(new Call(signer, service.toLowerCase() + ":" + operation, "*"));
    }
  }
}
