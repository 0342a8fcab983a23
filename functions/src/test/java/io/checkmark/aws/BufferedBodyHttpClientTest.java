package io.checkmark.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/** What the buffering client hands the URL-connection client; in memory, no network. */
class BufferedBodyHttpClientTest {

  private static final byte[] BODY =
      "{\"TableName\":\"Messages\"}".getBytes(StandardCharsets.UTF_8);

  private final List<HttpExecuteRequest> handedOn = new ArrayList<>();
  private final BufferedBodyHttpClient client = new BufferedBodyHttpClient(new Recording());

  @Test
  void aRequestWithALengthGoesOnWithoutItSoTheJdkBuffersItsBodyWhichIsUnchanged()
      throws IOException {
    client.prepareRequest(post(SdkHttpRequest.builder().putHeader("Content-Length", "24")));

    HttpExecuteRequest request = handedOn.get(0);
    assertThat(request.httpRequest().firstMatchingHeader("Content-Length")).isEmpty();
    assertThat(request.httpRequest().firstMatchingHeader("X-Amz-Target"))
        .as("every other header kept")
        .hasValue("DynamoDB_20120810.GetItem");
    assertThat(request.contentStreamProvider().orElseThrow().newStream().readAllBytes())
        .isEqualTo(BODY);
  }

  @Test
  void aRequestWithoutALengthGoesOnAsItIs() {
    HttpExecuteRequest request = post(SdkHttpRequest.builder());

    client.prepareRequest(request);

    assertThat(handedOn).containsExactly(request);
  }

  private static HttpExecuteRequest post(SdkHttpRequest.Builder headers) {
    return HttpExecuteRequest.builder()
        .request(
            headers
                .method(SdkHttpMethod.POST)
                .uri(URI.create("http://localhost:8000/"))
                .putHeader("X-Amz-Target", "DynamoDB_20120810.GetItem")
                .build())
        .contentStreamProvider(ContentStreamProvider.fromByteArray(BODY))
        .build();
  }

  private final class Recording implements SdkHttpClient {

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
      handedOn.add(request);
      return new ExecutableHttpRequest() {
        @Override
        public HttpExecuteResponse call() {
          throw new UncheckedIOException(new IOException("not sent: this test only records"));
        }

        @Override
        public void abort() {}
      };
    }

    @Override
    public void close() {}
  }
}
