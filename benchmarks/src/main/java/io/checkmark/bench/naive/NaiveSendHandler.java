package io.checkmark.bench.naive;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.model.PutItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * The cold-start benchmark's naive {@code send}: the same DynamoDB work as the real handler (read
 * the caller's connection and account, check the recipient, store message and dedup record in one
 * transaction, look up the recipient's connections and push), written the way a first version often
 * is: reflective bean schemas built on every call with {@code TableSchema.fromBean}, the Apache
 * HTTP client, the default credentials provider chain and region lookup, a new {@link ObjectMapper}
 * per call. It exists to be measured against, not deployed; the deprecated calls (the Apache
 * client, the older transaction builder) are part of that first version.
 */
@SuppressWarnings("deprecation")
public class NaiveSendHandler
    implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

  private static final Logger LOG = LoggerFactory.getLogger(NaiveSendHandler.class);

  private final DynamoDbClient dynamoDb =
      DynamoDbClient.builder().httpClient(ApacheHttpClient.create()).build();
  private final ApiGatewayManagementApiClient connections =
      ApiGatewayManagementApiClient.builder()
          .httpClient(ApacheHttpClient.create())
          .endpointOverride(URI.create(System.getenv("CONNECTIONS_ENDPOINT")))
          .build();

  @Override
  public APIGatewayV2WebSocketResponse handleRequest(
      APIGatewayV2WebSocketEvent event, Context context) {
    // Logging as the real handler does it, so that the two differ only in their DynamoDB and HTTP
    // choices.
    return PowertoolsLogging.withLogging(context, () -> send(event));
  }

  private APIGatewayV2WebSocketResponse send(APIGatewayV2WebSocketEvent event) {
    try {
      ObjectMapper json = new ObjectMapper();
      JsonNode frame = json.readTree(event.getBody());
      DynamoDbEnhancedClient enhanced =
          DynamoDbEnhancedClient.builder().dynamoDbClient(dynamoDb).build();
      DynamoDbTable<NaiveConnection> connectionTable =
          enhanced.table(
              System.getenv("CONNECTIONS_TABLE"), TableSchema.fromBean(NaiveConnection.class));
      DynamoDbTable<NaiveAccount> accounts =
          enhanced.table(System.getenv("ACCOUNTS_TABLE"), TableSchema.fromBean(NaiveAccount.class));
      DynamoDbTable<NaiveQueueItem> messages =
          enhanced.table(
              System.getenv("MESSAGES_TABLE"), TableSchema.fromBean(NaiveQueueItem.class));

      NaiveConnection caller =
          connectionTable.getItem(
              Key.builder().partitionValue(event.getRequestContext().getConnectionId()).build());
      NaiveAccount account =
          accounts.getItem(Key.builder().partitionValue(caller.getPhone()).build());
      if (account == null || !account.getKeyGeneration().equals(caller.getKeyGeneration())) {
        return reply("{\"type\":\"error\",\"code\":\"DEVICE_REPLACED\"}");
      }
      String to = frame.get("to").asText();
      if (accounts.getItem(Key.builder().partitionValue(to).build()) == null) {
        return reply("{\"type\":\"error\",\"code\":\"UNKNOWN_RECIPIENT\"}");
      }
      Instant now = Instant.now();
      String messageId =
          Long.toString(now.toEpochMilli() * 1000, 36)
              + UUID.randomUUID().toString().substring(0, 8);
      NaiveQueueItem dedup = new NaiveQueueItem();
      dedup.setQueue("dedup#" + caller.getPhone() + "#" + frame.get("id").asText());
      dedup.setId("-");
      dedup.setMessageId(messageId);
      dedup.setTo(to);
      dedup.setAcceptedAt(now.toEpochMilli());
      dedup.setExpiresAt(now.plusSeconds(30L * 24 * 3600).getEpochSecond());
      NaiveQueueItem message = new NaiveQueueItem();
      message.setQueue(to);
      message.setId(messageId);
      message.setKind("m");
      message.setFrom(caller.getPhone());
      message.setClientId(frame.get("id").asText());
      message.setBody(frame.get("body").asText());
      message.setAcceptedAt(now.toEpochMilli());
      message.setExpiresAt(dedup.getExpiresAt());
      enhanced.transactWriteItems(
          transaction ->
              transaction
                  .addPutItem(
                      messages,
                      PutItemEnhancedRequest.builder(NaiveQueueItem.class)
                          .item(dedup)
                          .conditionExpression(
                              Expression.builder()
                                  .expression("attribute_not_exists(#q)")
                                  .putExpressionName("#q", "queue")
                                  .build())
                          .build())
                  .addPutItem(messages, message));

      ObjectNode pushed =
          json.createObjectNode()
              .put("type", "message")
              .put("messageId", messageId)
              .put("from", caller.getPhone())
              .put("id", message.getClientId())
              .put("body", message.getBody())
              .put("ts", now.toEpochMilli());
      connectionTable
          .index("devicesByPhone")
          .query(QueryConditional.keyEqualTo(k -> k.partitionValue(to)))
          .forEach(
              page ->
                  page.items()
                      .forEach(
                          live ->
                              connections.postToConnection(
                                  post ->
                                      post.connectionId(live.getId())
                                          .data(SdkBytes.fromUtf8String(pushed.toString())))));

      return reply(
          json.createObjectNode()
              .put("type", "accepted")
              .put("id", message.getClientId())
              .put("messageId", messageId)
              .put("to", to)
              .put("ts", now.toEpochMilli())
              .toString());
    } catch (Exception e) {
      LOG.error("send failed", e);
      return reply("{\"type\":\"error\",\"code\":\"INTERNAL\"}");
    }
  }

  private static APIGatewayV2WebSocketResponse reply(String body) {
    APIGatewayV2WebSocketResponse response = new APIGatewayV2WebSocketResponse();
    response.setStatusCode(200);
    response.setBody(body);
    return response;
  }
}
