package io.checkmark.aws;

import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The SDK's URL-connection client with request bodies buffered by the JDK instead of streamed.
 *
 * <p>Given a {@code Content-Length}, that client puts {@link java.net.HttpURLConnection} in
 * fixed-length streaming mode, and before every streaming {@code POST} on a kept-alive connection
 * the JDK checks that the server has not closed it by reading with a 1 ms timeout: every DynamoDB
 * and management API call waits that millisecond. Without the header, the JDK buffers the body (at
 * most a DynamoDB item or a pushed frame here), sends it with its own {@code Content-Length} of the
 * same value, so the signature still holds, and makes no such check: a closed connection is found
 * by the request itself, which the JDK or the SDK's retry strategy sends again.
 */
final class BufferedBodyHttpClient implements SdkHttpClient {

  private static final String CONTENT_LENGTH = "Content-Length";

  private final SdkHttpClient streaming;

  BufferedBodyHttpClient(SdkHttpClient streaming) {
    this.streaming = streaming;
  }

  /** The URL-connection client with its defaults, buffering bodies. */
  static BufferedBodyHttpClient create() {
    return new BufferedBodyHttpClient(UrlConnectionHttpClient.create());
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    if (request.httpRequest().firstMatchingHeader(CONTENT_LENGTH).isEmpty()) {
      return streaming.prepareRequest(request);
    }
    return streaming.prepareRequest(
        HttpExecuteRequest.builder()
            .request(request.httpRequest().toBuilder().removeHeader(CONTENT_LENGTH).build())
            .contentStreamProvider(request.contentStreamProvider().orElse(null))
            .metricCollector(request.metricCollector().orElse(null))
            .build());
  }

  @Override
  public String clientName() {
    return streaming.clientName();
  }

  @Override
  public void close() {
    streaming.close();
  }
}
