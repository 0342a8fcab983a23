package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkmark.client.CheckmarkClient;
import io.checkmark.local.LocalStack;
import io.checkmark.local.LocalStackOptions;
import io.checkmark.testsupport.Phones;
import io.checkmark.testsupport.ProjectStack;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The local stack in front of an external AWS endpoint, as with LocalStack ({@code
 * AWS_ENDPOINT_URL=http://localhost:4566}). LocalStack cannot run here, so a second local stack
 * plays it: its port serves DynamoDB and SNS the same way.
 */
class ExternalEndpointTest {

  @Test
  void tablesAndSmsGoToTheExternalEndpointWhileWebSocketsStayLocal() throws Exception {
    Path template = ProjectStack.template();
    Map<String, String> parameters = Map.of("PinRequestsPerAddressPerHour", "1000");
    try (LocalStack external =
            LocalStack.start(
                LocalStackOptions.builder()
                    .port(0)
                    .template(template)
                    .parameterOverrides(parameters)
                    .build());
        LocalStack stack =
            LocalStack.start(
                LocalStackOptions.builder()
                    .port(0)
                    .template(template)
                    .parameterOverrides(parameters)
                    .externalEndpoint(external.endpoint())
                    .build())) {
      assertThat(stack.dynamoDbEndpoint()).isEqualTo(external.endpoint());
      String alice = Phones.next();
      String bob = Phones.next();

      String aliceKey = Devices.register(external, alice, stack);
      assertThat(stack.smsTo(alice)).as("SMS captured by the stack in front").isEmpty();
      assertThat(external.smsTo(alice)).as("SMS sent through the external endpoint").hasSize(1);

      String bobKey = Devices.register(external, bob, stack);
      Devices.Inbox bobInbox = new Devices.Inbox();
      try (CheckmarkClient aliceClient =
              Devices.client(stack, alice, aliceKey, new Devices.Inbox());
          CheckmarkClient bobClient = Devices.client(stack, bob, bobKey, bobInbox)) {
        aliceClient.connect().join();
        bobClient.connect().join();
        String messageId =
            aliceClient
                .send(bob, "through the external endpoint")
                .get(10, TimeUnit.SECONDS)
                .messageId();

        assertThat(bobInbox.nextMessage().messageId()).isEqualTo(messageId);
      }
      try (DynamoDbClient externalDynamoDb =
          DynamoDbClient.builder()
              .endpointOverride(external.endpoint())
              .region(Region.US_EAST_1)
              .httpClient(UrlConnectionHttpClient.create())
              .credentialsProvider(
                  StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
              .build()) {
        assertThat(externalDynamoDb.scan(r -> r.tableName("AccountsTable")).items())
            .as("accounts stored in the external DynamoDB")
            .hasSizeGreaterThanOrEqualTo(2);
      }
    }
  }
}
