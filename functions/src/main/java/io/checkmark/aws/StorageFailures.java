package io.checkmark.aws;

import io.checkmark.core.StorageUnavailable;
import java.io.IOException;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbServiceClientConfiguration;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The DynamoDB client the tables use: what DynamoDB failed to do for reasons of its own, once the
 * SDK's retries are spent (throttling, a 5xx, a timeout, a connection refused or cut), surfaces as
 * {@link StorageUnavailable}. Answers about the request itself (a failed condition, a cancelled
 * transaction, a validation error) pass unchanged, so the tables still act on them. Only the item
 * operations the tables use are offered; any other throws {@link UnsupportedOperationException}, as
 * {@link DynamoDbClient}'s defaults do.
 */
public final class StorageFailures implements DynamoDbClient {

  private final DynamoDbClient client;

  StorageFailures(DynamoDbClient client) {
    this.client = client;
  }

  /** The client, its failures reported as above (a client already wrapping is kept as it is). */
  public static DynamoDbClient reported(DynamoDbClient client) {
    return client instanceof StorageFailures ? client : new StorageFailures(client);
  }

  static boolean isTransient(RuntimeException failure) {
    if (failure instanceof AwsServiceException service) {
      return service.isThrottlingException() || service.statusCode() >= 500;
    }
    // No answer from the service: timeouts, or a connection refused or cut (an I/O failure).
    // Other client-side failures (configuration, marshalling, an interrupt) are bugs or stops,
    // and stay what they are.
    return failure instanceof ApiCallTimeoutException
        || failure instanceof ApiCallAttemptTimeoutException
        || (failure instanceof SdkClientException && causedByIo(failure));
  }

  private static boolean causedByIo(Throwable failure) {
    for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  private static <T> T call(Supplier<T> operation) {
    try {
      return operation.get();
    } catch (AwsServiceException | SdkClientException failure) {
      if (isTransient(failure)) {
        throw new StorageUnavailable("DynamoDB: " + firstLine(failure.getMessage()), failure);
      }
      throw failure;
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no answer";
    }
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }

  @Override
  public GetItemResponse getItem(GetItemRequest request) {
    return call(() -> client.getItem(request));
  }

  @Override
  public PutItemResponse putItem(PutItemRequest request) {
    return call(() -> client.putItem(request));
  }

  @Override
  public UpdateItemResponse updateItem(UpdateItemRequest request) {
    return call(() -> client.updateItem(request));
  }

  @Override
  public DeleteItemResponse deleteItem(DeleteItemRequest request) {
    return call(() -> client.deleteItem(request));
  }

  @Override
  public QueryResponse query(QueryRequest request) {
    return call(() -> client.query(request));
  }

  @Override
  public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
    return call(() -> client.batchGetItem(request));
  }

  @Override
  public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
    return call(() -> client.batchWriteItem(request));
  }

  @Override
  public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
    return call(() -> client.transactWriteItems(request));
  }

  @Override
  public TransactGetItemsResponse transactGetItems(TransactGetItemsRequest request) {
    return call(() -> client.transactGetItems(request));
  }

  @Override
  public String serviceName() {
    return client.serviceName();
  }

  @Override
  public DynamoDbServiceClientConfiguration serviceClientConfiguration() {
    return client.serviceClientConfiguration();
  }

  @Override
  public void close() {
    client.close();
  }
}
