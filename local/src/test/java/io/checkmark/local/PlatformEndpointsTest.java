package io.checkmark.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.EndpointDisabledException;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.SnsException;

/**
 * SNS mobile push on the local stack, through the real {@code SnsClient} the functions use:
 * platform endpoints behave as SNS's do, errors arrive as the SDK's exception classes, and pushes
 * are captured in LocalStack's shape.
 */
class PlatformEndpointsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ByteArrayOutputStream CONSOLE = new ByteArrayOutputStream();
  private static final String APNS = "arn:aws:sns:us-east-1:000000000000:app/APNS/checkmark-local";
  private static final String APNS_SANDBOX =
      "arn:aws:sns:us-east-1:000000000000:app/APNS_SANDBOX/checkmark-local";
  private static final String FCM = "arn:aws:sns:us-east-1:000000000000:app/GCM/checkmark-local";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static LocalStack stack;
  private static SnsClient sns;

  @BeforeAll
  static void startStack() {
    stack =
        LocalStack.start(
            LocalStackOptions.builder()
                .port(0)
                .template(Path.of("src/test/resources/emulator-template.yaml"))
                .console(new PrintStream(CONSOLE, true, StandardCharsets.UTF_8))
                .build());
    sns =
        SnsClient.builder()
            .endpointOverride(stack.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  @AfterAll
  static void stopStack() {
    sns.close();
    stack.close();
  }

  @Test
  void functionsGetTheLocalPushApplicationsAsTemplateParameters() {
    assertThat(stack.environmentOf("RecordingFunction"))
        .containsEntry("APNS_APPLICATION_ARN", APNS)
        .containsEntry("APNS_SANDBOX_APPLICATION_ARN", APNS_SANDBOX)
        .containsEntry("FCM_APPLICATION_ARN", FCM);
  }

  @Test
  void createPlatformEndpointIsIdempotentPerApplicationAndToken() {
    String token = newToken();

    String first = createEndpoint(APNS, token, "alice device 1");
    String again = createEndpoint(APNS, token, "alice device 1");
    String inSandbox = createEndpoint(APNS_SANDBOX, token, "alice device 1");

    assertThat(first)
        .matches("arn:aws:sns:us-east-1:000000000000:endpoint/APNS/checkmark-local/[0-9a-f-]{36}");
    assertThat(again).isEqualTo(first);
    assertThat(inSandbox)
        .startsWith("arn:aws:sns:us-east-1:000000000000:endpoint/APNS_SANDBOX/checkmark-local/");
    assertThat(stack.pushEndpointsOfToken(token)).containsExactly(first, inSandbox);
    assertThat(sns.getEndpointAttributes(r -> r.endpointArn(first)).attributes())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("Enabled", "true", "Token", token, "CustomUserData", "alice device 1"));
  }

  @Test
  void appleTokensAreKeptInLowerCaseSoEitherCaseFindsTheEndpoint() {
    String token = newToken();

    String upper = createEndpoint(APNS, token.toUpperCase(), "bob");

    assertThat(createEndpoint(APNS, token, "bob")).isEqualTo(upper);
    assertThat(sns.getEndpointAttributes(r -> r.endpointArn(upper)).attributes())
        .containsEntry("Token", token);
  }

  @Test
  void sameTokenWithOtherCustomUserDataIsInvalidParameterNamingTheExistingEndpoint() {
    String token = newToken();
    String existing = createEndpoint(FCM, token, "carol");

    assertThatThrownBy(() -> createEndpoint(FCM, token, "mallory"))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith(
            "Invalid parameter: Token Reason: Endpoint "
                + existing
                + " already exists with the same Token, but different attributes.");
  }

  @Test
  void disabledEndpointIsReturnedForTheSameTokenAndLeftDisabledForTheCallerToEnable() {
    String token = newToken();
    String endpoint = createEndpoint(FCM, token, "dave");
    sns.setEndpointAttributes(r -> r.endpointArn(endpoint).attributes(Map.of("Enabled", "false")));

    assertThat(createEndpoint(FCM, token, "dave")).isEqualTo(endpoint);
    assertThat(sns.getEndpointAttributes(r -> r.endpointArn(endpoint)).attributes())
        .containsEntry("Enabled", "false");
    assertThatThrownBy(
            () ->
                sns.createPlatformEndpoint(
                    r ->
                        r.platformApplicationArn(FCM)
                            .token(token)
                            .customUserData("dave")
                            .attributes(Map.of("Enabled", "true"))))
        .as("an Enabled asked for is an attribute compared")
        .isInstanceOf(InvalidParameterException.class);
  }

  @Test
  void customUserDataOver2KbAndPublishesOver256KbAreRefusedAsBySns() {
    String endpoint = createEndpoint(FCM, newToken(), null);

    assertThatThrownBy(() -> createEndpoint(FCM, newToken(), "é".repeat(1025)))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith(
            "Invalid parameter: Attributes Reason: Invalid value for attribute: CustomUserData");
    assertThatThrownBy(
            () -> sns.publish(r -> r.targetArn(endpoint).message("x".repeat(256 * 1024 + 1))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("Invalid parameter: Message too long");
    assertThat(stack.pushNotificationsTo(endpoint)).isEmpty();
  }

  @Test
  void unknownApplicationIsNotFoundAndAnEmptyTokenIsInvalid() {
    assertThatThrownBy(
            () ->
                createEndpoint(
                    "arn:aws:sns:us-east-1:000000000000:app/APNS/someone-else", newToken(), null))
        .isInstanceOf(NotFoundException.class)
        .hasMessageStartingWith("PlatformApplication does not exist");
    assertThatThrownBy(() -> createEndpoint(APNS, "", null))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("Invalid parameter: Token");
  }

  @Test
  void setEndpointAttributesChangesTokenEnabledAndUserDataAndRefusesOthers() {
    String endpoint = createEndpoint(FCM, newToken(), "erin");
    String newToken = newToken();

    sns.setEndpointAttributes(
        r ->
            r.endpointArn(endpoint)
                .attributes(
                    Map.of("Token", newToken, "Enabled", "false", "CustomUserData", "erin 2")));

    assertThat(sns.getEndpointAttributes(r -> r.endpointArn(endpoint)).attributes())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("Token", newToken, "Enabled", "false", "CustomUserData", "erin 2"));
    assertThat(stack.pushEndpointsOfToken(newToken)).containsExactly(endpoint);
    assertThatThrownBy(
            () ->
                sns.setEndpointAttributes(
                    r -> r.endpointArn(endpoint).attributes(Map.of("Colour", "blue"))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith(
            "Invalid parameter: Attributes Reason: Invalid attribute name: Colour");
    assertThatThrownBy(
            () ->
                sns.setEndpointAttributes(
                    r -> r.endpointArn(endpoint).attributes(Map.of("Enabled", "maybe"))))
        .isInstanceOf(InvalidParameterException.class);
    assertThatThrownBy(
            () ->
                sns.setEndpointAttributes(
                    r -> r.endpointArn(endpoint + "-gone").attributes(Map.of("Enabled", "true"))))
        .isInstanceOf(NotFoundException.class)
        .hasMessageStartingWith("Endpoint does not exist");
  }

  @Test
  void deleteEndpointSucceedsAgainOnceTheEndpointIsGone() {
    String endpoint = createEndpoint(APNS, newToken(), null);

    sns.deleteEndpoint(r -> r.endpointArn(endpoint));
    sns.deleteEndpoint(r -> r.endpointArn(endpoint));

    assertThatThrownBy(() -> sns.getEndpointAttributes(r -> r.endpointArn(endpoint)))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> push(endpoint, "{\"default\": \"hi\"}"))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith(
            "Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified");
  }

  @Test
  void publishToADisabledEndpointIsEndpointDisabledException() {
    String endpoint = createEndpoint(APNS, newToken(), null);
    sns.setEndpointAttributes(r -> r.endpointArn(endpoint).attributes(Map.of("Enabled", "false")));

    assertThatThrownBy(() -> push(endpoint, "{\"default\": \"hi\"}"))
        .isInstanceOf(EndpointDisabledException.class)
        .hasMessageStartingWith("Endpoint is disabled");
    assertThat(stack.pushNotificationsTo(endpoint)).isEmpty();
  }

  @Test
  void jsonMessageMustParseAndHoldADefaultOrTheEndpointPlatformsText() {
    String endpoint = createEndpoint(APNS, newToken(), null);

    push(endpoint, "{\"APNS\": \"{\\\"aps\\\": {\\\"content-available\\\": 1}}\"}");
    push(endpoint, "{\"default\": \"hello\"}");

    assertThat(stack.pushNotificationsTo(endpoint)).hasSize(2);
    for (String refused :
        new String[] {"{\"GCM\": \"{}\"}", "{\"default\": 5}", "[\"default\"]", "\"default\""}) {
      assertThatThrownBy(() -> push(endpoint, refused))
          .as(refused)
          .isInstanceOf(InvalidParameterException.class)
          .hasMessageStartingWith(
              "Invalid parameter: Message Structure - No default entry in JSON message body");
    }
    for (String unreadable :
        new String[] {"not json", "{\"default\": \"a\", \"default\": \"b\"}", "{} {}"}) {
      assertThatThrownBy(() -> push(endpoint, unreadable))
          .as(unreadable)
          .isInstanceOf(InvalidParameterException.class)
          .hasMessageStartingWith(
              "Invalid parameter: Message Structure - JSON message body failed to parse");
    }
  }

  @Test
  void publishedPushIsListedInLocalStacksShapeAndByTheJavaApi() throws Exception {
    String endpoint = createEndpoint(APNS, newToken(), null);
    String other = createEndpoint(FCM, newToken(), null);
    String message = "{\"default\": \"new message\", \"APNS\": \"{\\\"aps\\\": {}}\"}";

    String messageId =
        sns.publish(
                r ->
                    r.targetArn(endpoint)
                        .message(message)
                        .messageStructure("json")
                        .messageAttributes(
                            Map.of(
                                "AWS.SNS.MOBILE.APNS.PUSH_TYPE",
                                MessageAttributeValue.builder()
                                    .dataType("String")
                                    .stringValue("background")
                                    .build())))
            .messageId();
    push(other, "{\"default\": \"to the other\"}");

    JsonNode all = listing("");
    assertThat(all.get("region").asText()).isEqualTo("us-east-1");
    assertThat(all.get("platform_endpoint_messages").has(other)).isTrue();
    JsonNode listed = all.get("platform_endpoint_messages").get(endpoint);
    assertThat(listed).hasSize(1);
    JsonNode notification = listed.get(0);
    assertThat(notification.get("TargetArn").asText()).isEqualTo(endpoint);
    assertThat(notification.get("TopicArn").isNull()).isTrue();
    assertThat(notification.get("Message").asText()).isEqualTo(message);
    assertThat(notification.get("MessageStructure").asText()).isEqualTo("json");
    assertThat(notification.get("Subject").isNull()).isTrue();
    assertThat(notification.get("MessageId").asText()).isEqualTo(messageId);
    assertThat(
            notification
                .get("MessageAttributes")
                .get("AWS.SNS.MOBILE.APNS.PUSH_TYPE")
                .get("StringValue")
                .asText())
        .isEqualTo("background");

    JsonNode filtered =
        listing("?endpointArn=" + URLEncoder.encode(endpoint, StandardCharsets.UTF_8));
    assertThat(filtered.get("platform_endpoint_messages").size()).isOne();
    assertThat(filtered.get("platform_endpoint_messages").get(endpoint)).isEqualTo(listed);
    assertThat(stack.pushNotificationsTo(endpoint))
        .singleElement()
        .satisfies(
            captured -> {
              assertThat(captured).containsEntry("MessageId", messageId);
              assertThat(captured).containsEntry("Message", message);
            });
  }

  @Test
  void deleteClearsOneEndpointsPushesOrAllOfThem() throws Exception {
    String first = createEndpoint(FCM, newToken(), null);
    String second = createEndpoint(FCM, newToken(), null);
    push(first, "{\"default\": \"one\"}");
    push(second, "{\"default\": \"two\"}");

    assertThat(delete("?endpointArn=" + URLEncoder.encode(first, StandardCharsets.UTF_8)))
        .isEqualTo(204);
    assertThat(stack.pushNotificationsTo(first)).isEmpty();
    assertThat(stack.pushNotificationsTo(second)).hasSize(1);

    assertThat(delete("")).isEqualTo(204);
    assertThat(listing("").get("platform_endpoint_messages").size()).isZero();
  }

  @Test
  void eachPushIsOneConsoleLineWithoutItsPayloadWhateverTheUserData() {
    String endpoint = createEndpoint(FCM, newToken(), "frank\n12:00:00.000 INFO forged\u001b[2J");

    push(endpoint, "{\"default\": \"payload secret\"}");

    assertThat(
            CONSOLE
                .toString(StandardCharsets.UTF_8)
                .lines()
                .filter(line -> line.contains(endpoint)))
        .singleElement()
        .asString()
        .startsWith("Push to " + endpoint + " (frank\\n12:00:00.000 INFO forged")
        .doesNotContain("\u001b")
        .doesNotContain("payload secret")
        .contains(" bytes");
  }

  @Test
  void invalidTokenCallDisablesEveryEndpointHoldingItAndSaysWhich() throws Exception {
    String token = newToken();
    String production = createEndpoint(APNS, token, null);
    String sandbox = createEndpoint(APNS_SANDBOX, token, null);
    String untouched = createEndpoint(APNS, newToken(), null);

    HttpResponse<String> disabled = invalidTokens("{\"token\": \"" + token + "\"}");

    assertThat(disabled.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(disabled.body()))
        .isEqualTo(JSON.valueToTree(Map.of("disabled", new String[] {production, sandbox})));
    assertThatThrownBy(() -> push(production, "{\"default\": \"hi\"}"))
        .isInstanceOf(EndpointDisabledException.class);
    assertThatThrownBy(() -> push(sandbox, "{\"default\": \"hi\"}"))
        .isInstanceOf(EndpointDisabledException.class);
    push(untouched, "{\"default\": \"hi\"}");

    HttpResponse<String> unknown = invalidTokens("{\"token\": \"" + newToken() + "\"}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).get("error").asText())
        .isEqualTo("no push endpoint holds this token");
    HttpResponse<String> malformed = invalidTokens("token=abc");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(malformed.body()).get("error").asText()).doesNotContain("\n");
  }

  @Test
  void tokenInvalidatedFromJavaIsDisabledUntilTheEndpointIsEnabledAgain() {
    String token = newToken();
    String endpoint = createEndpoint(FCM, token, null);

    assertThat(stack.invalidatePushToken(token)).containsExactly(endpoint);
    assertThatThrownBy(() -> push(endpoint, "{\"default\": \"hi\"}"))
        .isInstanceOf(EndpointDisabledException.class);

    sns.setEndpointAttributes(r -> r.endpointArn(endpoint).attributes(Map.of("Enabled", "true")));
    push(endpoint, "{\"default\": \"hi\"}");

    assertThat(stack.pushNotificationsTo(endpoint)).hasSize(1);
    assertThat(stack.invalidatePushToken(newToken())).isEmpty();
  }

  @Test
  void clearPushNotificationsForgetsEveryCapturedPush() {
    String endpoint = createEndpoint(FCM, newToken(), null);
    push(endpoint, "{\"default\": \"hi\"}");

    stack.clearPushNotifications();

    assertThat(stack.pushNotificationsTo(endpoint)).isEmpty();
  }

  @Test
  void smsStillGoesToTheSmsCaptureBesidePushes() {
    String messageId =
        sns.publish(r -> r.phoneNumber("+15550003333").message("Your code is 654321")).messageId();

    assertThat(messageId).isNotBlank();
    assertThat(stack.smsTo("+15550003333")).containsExactly("Your code is 654321");
  }

  @Test
  void actionTheStackDoesNotServeIsInvalidActionInOneLine() {
    assertThatThrownBy(() -> sns.createTopic(r -> r.name("news")))
        .isInstanceOfSatisfying(
            SnsException.class,
            refused -> {
              assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("InvalidAction");
              assertThat(refused.awsErrorDetails().errorMessage())
                  .contains("CreateTopic is not one of them")
                  .doesNotContain("\n");
            });
  }

  private static String createEndpoint(String application, String token, String customUserData) {
    return sns.createPlatformEndpoint(
            r -> r.platformApplicationArn(application).token(token).customUserData(customUserData))
        .endpointArn();
  }

  private static void push(String endpoint, String jsonMessage) {
    sns.publish(r -> r.targetArn(endpoint).message(jsonMessage).messageStructure("json"));
  }

  private static String newToken() {
    return UUID.randomUUID().toString().replace("-", "") + "00";
  }

  private static JsonNode listing(String query) throws Exception {
    return JSON.readTree(
        HTTP.send(
                HttpRequest.newBuilder(messagesUri(query)).GET().build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  private static int delete(String query) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(messagesUri(query)).DELETE().build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static URI messagesUri(String query) {
    return stack.endpoint().resolve("/_aws/sns/platform-endpoint-messages" + query);
  }

  private static HttpResponse<String> invalidTokens(String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(stack.endpoint().resolve("/_checkmark/push/invalid-tokens"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
