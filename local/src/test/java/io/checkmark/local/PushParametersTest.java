package io.checkmark.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The template's push parameters: the local applications' ARNs unless the user gives others, and
 * the user's alone when SNS is an external endpoint's (LocalStack's).
 */
class PushParametersTest {

  private static final Path TEMPLATE = Path.of("src/test/resources/emulator-template.yaml");

  @Test
  void userValuesWinAndAnExternalEndpointGetsNoLocalApplication() {
    String usersApns = "arn:aws:sns:us-east-1:000000000000:app/APNS/the-users-own";
    String localStacksFcm = "arn:aws:sns:us-east-1:000000000000:app/GCM/in-localstack";
    try (LocalStack stack =
            LocalStack.start(
                LocalStackOptions.builder()
                    .port(0)
                    .template(TEMPLATE)
                    .parameterOverrides(Map.of("ApnsPlatformApplicationArn", usersApns))
                    .build());
        LocalStack inFrontOfLocalStack =
            LocalStack.start(
                LocalStackOptions.builder()
                    .port(0)
                    .template(TEMPLATE)
                    .externalEndpoint(stack.endpoint())
                    .parameterOverrides(Map.of("FcmPlatformApplicationArn", localStacksFcm))
                    .build())) {

      assertThat(stack.environmentOf("RecordingFunction"))
          .containsEntry("APNS_APPLICATION_ARN", usersApns)
          .containsEntry(
              "APNS_SANDBOX_APPLICATION_ARN",
              "arn:aws:sns:us-east-1:000000000000:app/APNS_SANDBOX/checkmark-local")
          .containsEntry(
              "FCM_APPLICATION_ARN", "arn:aws:sns:us-east-1:000000000000:app/GCM/checkmark-local");
      assertThat(inFrontOfLocalStack.environmentOf("RecordingFunction"))
          .containsEntry("APNS_APPLICATION_ARN", "")
          .containsEntry("APNS_SANDBOX_APPLICATION_ARN", "")
          .containsEntry("FCM_APPLICATION_ARN", localStacksFcm);
    }
  }
}
