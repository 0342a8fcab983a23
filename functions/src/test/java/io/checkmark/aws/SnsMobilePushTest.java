package io.checkmark.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkmark.core.MobilePush;
import io.checkmark.core.PushPlatform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.CreatePlatformEndpointRequest;
import software.amazon.awssdk.services.sns.model.CreatePlatformEndpointResponse;
import software.amazon.awssdk.services.sns.model.DeleteEndpointRequest;
import software.amazon.awssdk.services.sns.model.DeleteEndpointResponse;
import software.amazon.awssdk.services.sns.model.EndpointDisabledException;
import software.amazon.awssdk.services.sns.model.InternalErrorException;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.PlatformApplicationDisabledException;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;
import software.amazon.awssdk.services.sns.model.SetEndpointAttributesRequest;
import software.amazon.awssdk.services.sns.model.SetEndpointAttributesResponse;

/** How SnsMobilePush reads SNS's answers, on a scripted SNS client (no network). */
class SnsMobilePushTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String APPLICATION = "arn:aws:sns:us-east-1:123456789012:app/GCM/app";
  private static final String ENDPOINT = "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/app/e1";

  private final ScriptedSns sns = new ScriptedSns();
  private final SnsMobilePush push = new SnsMobilePush(sns, Map.of(PushPlatform.FCM, APPLICATION));

  @Test
  void aNewEndpointIsEnabledAndOnlyTheGivenPlatformsAreSupported() {
    sns.creating =
        request -> CreatePlatformEndpointResponse.builder().endpointArn(ENDPOINT).build();
    assertThat(push.endpointFor(PushPlatform.FCM, "token")).contains(ENDPOINT);
    assertThat(sns.enabled).containsExactly(ENDPOINT);
    assertThat(push.supports(PushPlatform.FCM)).isTrue();
    assertThat(push.supports(PushPlatform.APNS)).isFalse();
  }

  @Test
  void anEndpointSnsNamesAsHoldingTheTokenWithOtherAttributesIsTakenAndEnabled() {
    sns.creating =
        request -> {
          throw error(
              InvalidParameterException.builder(),
              "InvalidParameter",
              "Invalid parameter: Token Reason: Endpoint "
                  + ENDPOINT
                  + " already exists with the same Token, but different attributes.");
        };
    assertThat(push.endpointFor(PushPlatform.FCM, "token")).contains(ENDPOINT);
    assertThat(sns.enabled).containsExactly(ENDPOINT);
  }

  @Test
  void aTokenTheApplicationRefusesIsEmptyAndADisabledApplicationIsUnavailable() {
    sns.creating =
        request -> {
          throw error(
              InvalidParameterException.builder(),
              "InvalidParameter",
              "Invalid parameter: Token Reason: malformed");
        };
    assertThat(push.endpointFor(PushPlatform.FCM, "bad")).isEmpty();

    sns.creating =
        request -> {
          throw error(
              PlatformApplicationDisabledException.builder(),
              "PlatformApplicationDisabled",
              "Platform application is disabled");
        };
    assertThatThrownBy(() -> push.endpointFor(PushPlatform.FCM, "token"))
        .isInstanceOf(MobilePush.PlatformUnavailable.class)
        .hasMessageContaining("fcm");
  }

  @Test
  void aDisabledOrDeletedEndpointIsGoneAndOtherFailuresAreForNow() {
    sns.publishing =
        request -> {
          throw error(EndpointDisabledException.builder(), "EndpointDisabled", "disabled");
        };
    assertThat(push.push(ENDPOINT, PushPlatform.FCM)).isEqualTo(MobilePush.Delivery.ENDPOINT_GONE);

    sns.publishing =
        request -> {
          throw error(
              InvalidParameterException.builder(),
              "InvalidParameter",
              "Invalid parameter: TargetArn Reason: No endpoint found for the target arn");
        };
    assertThat(push.push(ENDPOINT, PushPlatform.FCM)).isEqualTo(MobilePush.Delivery.ENDPOINT_GONE);

    sns.publishing =
        request -> {
          throw error(InvalidParameterException.builder(), "InvalidParameter", "Message too long");
        };
    assertThat(push.push(ENDPOINT, PushPlatform.FCM)).isEqualTo(MobilePush.Delivery.FAILED);

    sns.publishing =
        request -> {
          throw error(InternalErrorException.builder(), "InternalError", "try later");
        };
    assertThat(push.push(ENDPOINT, PushPlatform.FCM)).isEqualTo(MobilePush.Delivery.FAILED);
  }

  @Test
  void aPushIsTheOnePlatformsPayloadWithADefaultAndApnsGetsItsHeaders() throws Exception {
    sns.publishing = request -> PublishResponse.builder().messageId("m").build();

    assertThat(push.push(ENDPOINT, PushPlatform.APNS_SANDBOX)).isEqualTo(MobilePush.Delivery.SENT);
    PublishRequest apns = sns.published.get(0);
    assertThat(apns.messageStructure()).isEqualTo("json");
    JsonNode apnsMessage = JSON.readTree(apns.message());
    assertThat(apnsMessage.path("default").asText()).isEqualTo("sync");
    assertThat(JSON.readTree(apnsMessage.path("APNS_SANDBOX").asText()).path("aps").has("alert"))
        .isTrue();
    assertThat(apns.messageAttributes())
        .containsKeys(
            "AWS.SNS.MOBILE.APNS.PUSH_TYPE",
            "AWS.SNS.MOBILE.APNS.PRIORITY",
            "AWS.SNS.MOBILE.APNS.COLLAPSE_ID");

    push.push(ENDPOINT, PushPlatform.FCM);
    PublishRequest fcm = sns.published.get(1);
    JsonNode fcmMessage = JSON.readTree(fcm.message());
    assertThat(fcmMessage.has("GCM")).isTrue();
    assertThat(fcmMessage.has("APNS")).isFalse();
    assertThat(fcm.messageAttributes()).isEmpty();
  }

  @Test
  void aDeleteThatFailsIsLeftBehindQuietly() {
    sns.deleting =
        request -> {
          throw error(InternalErrorException.builder(), "InternalError", "try later");
        };
    push.deleteEndpoint(ENDPOINT);
    assertThat(sns.deleteAttempts).isEqualTo(1);
  }

  private static <B extends AwsServiceException.Builder> AwsServiceException error(
      B builder, String code, String message) {
    return builder
        .message(message)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build())
        .build();
  }

  /** SNS as the tests script it: each call answers what its function says. */
  private static final class ScriptedSns implements SnsClient {
    Function<CreatePlatformEndpointRequest, CreatePlatformEndpointResponse> creating;
    Function<PublishRequest, PublishResponse> publishing;
    Function<DeleteEndpointRequest, DeleteEndpointResponse> deleting =
        request -> DeleteEndpointResponse.builder().build();
    final List<String> enabled = new ArrayList<>();
    final List<PublishRequest> published = new ArrayList<>();
    int deleteAttempts;

    @Override
    public CreatePlatformEndpointResponse createPlatformEndpoint(
        CreatePlatformEndpointRequest request) {
      return creating.apply(request);
    }

    @Override
    public SetEndpointAttributesResponse setEndpointAttributes(
        SetEndpointAttributesRequest request) {
      if ("true".equals(request.attributes().get("Enabled"))) {
        enabled.add(request.endpointArn());
      }
      return SetEndpointAttributesResponse.builder().build();
    }

    @Override
    public PublishResponse publish(PublishRequest request) {
      PublishResponse response = publishing.apply(request);
      published.add(request);
      return response;
    }

    @Override
    public DeleteEndpointResponse deleteEndpoint(DeleteEndpointRequest request) {
      deleteAttempts++;
      return deleting.apply(request);
    }

    @Override
    public String serviceName() {
      return "sns";
    }

    @Override
    public void close() {}
  }
}
