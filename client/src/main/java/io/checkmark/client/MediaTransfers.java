package io.checkmark.client;

import io.checkmark.protocol.DownloadUrl;
import io.checkmark.protocol.Media;
import io.checkmark.protocol.UploadUrl;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Media as the protocol moves it: encrypted here with a new key, uploaded straight to storage
 * through a presigned {@code PUT}, fetched through a presigned {@code GET} and checked (SHA-256,
 * then HMAC) before a byte of plaintext is released. Files pass through temporary files, never
 * whole through memory.
 */
public final class MediaTransfers {

  private static final int COPY_BUFFER_BYTES = 64 * 1024;

  /** Storage that does not answer a connection in this long is not there. */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * How long a transfer may take before storage answers: a minute, plus a second for every 256 KB
   * (a network slower than 256 KB/s is taken for a stalled one).
   */
  private static Duration transferTimeout(long bytes) {
    return Duration.ofMinutes(1).plusSeconds(bytes / (256 * 1024));
  }

  /** Hears how far a transfer got: bytes so far of the encrypted file's total. */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = (bytes, total) -> {};

    void transferred(long bytes, long total);
  }

  private final CheckmarkClient client;
  private final HttpClient http;

  MediaTransfers(CheckmarkClient client) {
    this.client = client;
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  /**
   * Encrypts and uploads a file; completes with the message's {@code media}: the file's id, type,
   * the encrypted blob's size and SHA-256, the key, the file's name and, for an image, a thumbnail.
   */
  CompletableFuture<Media> upload(Path file, String mimeType, Progress progress) {
    return CompletableFuture.supplyAsync(() -> encrypt(file))
        .thenCompose(
            encrypted ->
                client
                    .requestUpload(mimeType, encrypted.blob.size(), encrypted.sha256())
                    .thenCompose(grant -> put(grant, encrypted.file, progress))
                    .thenApply(
                        mediaId ->
                            new Media(
                                null,
                                mediaId,
                                mimeType,
                                encrypted.blob.size(),
                                encrypted.sha256(),
                                Base64.getEncoder().encodeToString(encrypted.key),
                                mimeType.toLowerCase(Locale.ROOT).startsWith("image/")
                                    ? Thumbnails.jpegThumbnail(file).orElse(null)
                                    : null,
                                file.getFileName().toString()))
                    .whenComplete((done, failed) -> deleteQuietly(encrypted.file)));
  }

  /** Fetches, checks and decrypts a received file: its plaintext, from a temporary file. */
  CompletableFuture<InputStream> download(Media media, Progress progress) {
    if (media.mediaId() == null) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "this media is a link, not an upload: fetch " + media.url()));
    }
    return client
        .requestDownload(media.mediaId())
        .thenCompose(grant -> fetch(grant, media.size() == null ? -1 : media.size(), progress))
        .thenApply(
            blob -> {
              try {
                InputStream plaintext =
                    MediaCipher.decrypt(
                        blob,
                        Base64.getDecoder().decode(media.key()),
                        Base64.getDecoder().decode(media.sha256()));
                return new DeletingOnClose(plaintext, blob);
              } catch (IOException e) {
                deleteQuietly(blob);
                throw new UncheckedIOException("could not read the downloaded file", e);
              } catch (RuntimeException refused) {
                deleteQuietly(blob);
                throw refused;
              }
            });
  }

  private record Encrypted(Path file, MediaCipher.Encrypted blob, byte[] key) {
    String sha256() {
      return Base64.getEncoder().encodeToString(blob.sha256());
    }
  }

  private static Encrypted encrypt(Path file) {
    byte[] key = MediaCipher.newKey();
    Path blob = null;
    try (InputStream plaintext = Files.newInputStream(file)) {
      blob = Files.createTempFile("checkmark-upload-", ".bin");
      return new Encrypted(blob, MediaCipher.encrypt(plaintext, key, blob, bytes -> {}), key);
    } catch (IOException e) {
      deleteQuietly(blob);
      throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Sends the blob with the signed headers; the HTTP client sets {@code Content-Length} itself from
   * the file, which is the length signed.
   */
  private CompletableFuture<String> put(UploadUrl grant, Path blob, Progress progress) {
    long total;
    HttpRequest.BodyPublisher body;
    try {
      total = Files.size(blob);
      body = counted(HttpRequest.BodyPublishers.ofFile(blob), total, progress);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(new UncheckedIOException(e));
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(grant.url())).timeout(transferTimeout(total)).PUT(body);
    grant
        .headers()
        .forEach(
            (name, value) -> {
              if (!name.equalsIgnoreCase("content-length")) {
                request.header(name, value);
              }
            });
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(
            response -> {
              if (response.statusCode() != 200) {
                throw new IllegalStateException(
                    "storage refused the upload (HTTP " + response.statusCode() + ")");
              }
              return grant.mediaId();
            });
  }

  /**
   * Fetches the blob into a temporary file, which is deleted when anything fails; more bytes than
   * the message announced are refused as they arrive.
   */
  private CompletableFuture<Path> fetch(DownloadUrl grant, long total, Progress progress) {
    Path blob;
    try {
      blob = Files.createTempFile("checkmark-download-", ".bin");
    } catch (IOException e) {
      return CompletableFuture.failedFuture(new UncheckedIOException(e));
    }
    return http.sendAsync(
            HttpRequest.newBuilder(URI.create(grant.url()))
                .timeout(transferTimeout(Math.max(total, 0)))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream())
        .thenApply(response -> copy(response, blob, total, progress))
        .whenComplete(
            (fetched, failed) -> {
              if (failed != null) {
                deleteQuietly(blob);
              }
            });
  }

  private static Path copy(
      HttpResponse<InputStream> response, Path blob, long total, Progress progress) {
    try (InputStream in = response.body();
        OutputStream out = Files.newOutputStream(blob)) {
      if (response.statusCode() != 200) {
        throw new MediaRejected(
            "storage refused the download (HTTP " + response.statusCode() + ")");
      }
      byte[] buffer = new byte[COPY_BUFFER_BYTES];
      long copied = 0;
      for (int read; (read = in.read(buffer)) != -1; ) {
        copied += read;
        if (total >= 0 && copied > total) {
          throw new MediaRejected("storage sent more than the " + total + " bytes announced");
        }
        out.write(buffer, 0, read);
        progress.transferred(copied, total);
      }
      return blob;
    } catch (IOException e) {
      throw new UncheckedIOException("the download failed: " + e.getMessage(), e);
    }
  }

  /** The body as it is, with {@code progress} told of every buffer the HTTP client takes. */
  private static HttpRequest.BodyPublisher counted(
      HttpRequest.BodyPublisher body, long total, Progress progress) {
    AtomicLong sent = new AtomicLong();
    Flow.Publisher<ByteBuffer> counting =
        subscriber ->
            body.subscribe(
                new Flow.Subscriber<>() {
                  @Override
                  public void onSubscribe(Flow.Subscription subscription) {
                    subscriber.onSubscribe(subscription);
                  }

                  @Override
                  public void onNext(ByteBuffer item) {
                    long bytes = sent.addAndGet(item.remaining());
                    subscriber.onNext(item);
                    progress.transferred(bytes, total);
                  }

                  @Override
                  public void onError(Throwable throwable) {
                    subscriber.onError(throwable);
                  }

                  @Override
                  public void onComplete() {
                    subscriber.onComplete();
                  }
                });
    return HttpRequest.BodyPublishers.fromPublisher(counting, total);
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // A temporary file left behind is the operating system's to clean.
    }
  }

  /** A plaintext stream that deletes its temporary file once read and closed. */
  private static final class DeletingOnClose extends FilterInputStream {
    private final Path file;

    DeletingOnClose(InputStream in, Path file) {
      super(in);
      this.file = file;
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        deleteQuietly(file);
      }
    }
  }
}
