package io.checkmark.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * How many small writes a second the local stack's DynamoDB Local takes from 8 threads, with
 * nothing else running: the ceiling the end-to-end rate is held under, since every delivered
 * message costs several DynamoDB requests. A second of the same writes first, uncounted, so that
 * the figure is the warm engine's.
 */
final class DynamoDbLocalCeiling {

  private DynamoDbLocalCeiling() {}

  static double writesPerSecond(URI endpoint, String table, double seconds)
      throws InterruptedException {
    try (DynamoDbClient client =
        DynamoDbClient.builder()
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("benchmark", "test")))
            .httpClient(UrlConnectionHttpClient.create())
            .build()) {
      putFromEightThreads(client, table, 1);
      return putFromEightThreads(client, table, seconds) / seconds;
    }
  }

  /** Puts from 8 threads for {@code seconds}; returns how many. */
  private static long putFromEightThreads(DynamoDbClient client, String table, double seconds)
      throws InterruptedException {
    LongAdder writes = new LongAdder();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      String queue = "ceiling-" + t;
      Thread thread =
          new Thread(
              () -> {
                while (System.nanoTime() < end) {
                  client.putItem(
                      r ->
                          r.tableName(table)
                              .item(
                                  Map.of(
                                      "queue",
                                      AttributeValue.fromS(queue),
                                      "id",
                                      AttributeValue.fromS(UUID.randomUUID().toString()))));
                  writes.increment();
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    return writes.sum();
  }
}
