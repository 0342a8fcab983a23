package io.checkmark.local;

import io.checkmark.template.SamTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.gaul.s3proxy.AccessGrant;
import org.gaul.s3proxy.CrossOriginResourceSharing;
import org.gaul.s3proxy.S3ErrorCode;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.S3ProxyException;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;

/**
 * The S3 API for the template's buckets, on a port of its own: S3Proxy, which checks SigV4
 * signatures (presigned URLs included, with their expiry and signed headers) and each upload's
 * {@code x-amz-checksum-sha256}, and returns the checksum on {@code HeadObject}. Objects live in
 * files, under the persistence directory or a temporary one deleted at close, so that large media
 * never sit in the heap. Any access key is accepted with the secret {@code test}, as each function
 * signs with its own.
 */
final class LocalObjectStorage implements AutoCloseable {

  static final String SECRET_KEY = "test";

  private final S3Proxy server;
  private final Path temporaryRoot;
  private final URI endpoint;

  private LocalObjectStorage(S3Proxy server, Path temporaryRoot) {
    this.server = server;
    this.temporaryRoot = temporaryRoot;
    this.endpoint = URI.create("http://127.0.0.1:" + server.getPort());
  }

  /** Starts the server with each bucket created, or found again under {@code persistDirectory}. */
  static LocalObjectStorage start(int port, List<SamTemplate.Bucket> buckets, Path persistDirectory)
      throws Exception {
    Path temporaryRoot = null;
    Path root;
    if (persistDirectory == null) {
      temporaryRoot = Files.createTempDirectory("checkmark-s3-");
      root = temporaryRoot;
    } else {
      root = Files.createDirectories(persistDirectory.resolve("s3"));
    }
    BlobStore files =
        new AsS3AnswersWithoutListBucket(new FilesystemNio2BlobStore(root.toString()));
    S3Proxy server =
        S3Proxy.builder()
            .blobStore(files)
            .endpoint(URI.create("http://127.0.0.1:" + port))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, SECRET_KEY, SECRET_KEY)
            .corsRules(corsOf(buckets))
            .build();
    server.setBlobStoreLocator(
        (identity, container, blob) ->
            identity == null ? null : new AccessGrant(SECRET_KEY, files));
    try {
      try {
        server.start();
      } catch (IOException portTaken) {
        throw new IllegalStateException(
            "port "
                + port
                + " for the S3 API is in use; pick another with --s3-port N (0 picks a free one)",
            portTaken);
      }
      for (SamTemplate.Bucket bucket : buckets) {
        if (!files.containerExists(bucket.name())) {
          files.createContainer(bucket.name());
        }
      }
    } catch (Exception e) {
      server.stop();
      deleteTree(temporaryRoot);
      throw e;
    }
    return new LocalObjectStorage(server, temporaryRoot);
  }

  URI endpoint() {
    return endpoint;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("the local S3 server did not stop cleanly", e);
    } finally {
      deleteTree(temporaryRoot);
    }
  }

  /**
   * S3Proxy keeps one set of CORS rules for every bucket: the union of the template's rules, which
   * lets a browser do what any one rule allows.
   */
  private static CrossOriginResourceSharing corsOf(List<SamTemplate.Bucket> buckets) {
    Set<String> origins = new LinkedHashSet<>();
    Set<String> methods = new LinkedHashSet<>();
    Set<String> headers = new LinkedHashSet<>();
    Set<String> exposed = new LinkedHashSet<>();
    for (SamTemplate.Bucket bucket : buckets) {
      for (SamTemplate.CorsRule rule : bucket.corsRules()) {
        origins.addAll(rule.allowedOrigins());
        methods.addAll(rule.allowedMethods());
        headers.addAll(rule.allowedHeaders());
        exposed.addAll(rule.exposedHeaders());
      }
    }
    if (origins.isEmpty()) {
      return CrossOriginResourceSharing.disabled();
    }
    return new CrossOriginResourceSharing(
        List.copyOf(origins), List.copyOf(methods), List.copyOf(headers), List.copyOf(exposed), "");
  }

  private static void deleteTree(Path root) {
    if (root == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete the local S3 files in " + root, e);
    }
  }

  /**
   * S3 answers a read of a missing key with 403 AccessDenied, not 404, to a caller that may not
   * list the bucket, which is every role of the template: so does this store, so that code that
   * works here works there.
   */
  private static final class AsS3AnswersWithoutListBucket extends ForwardingBlobStore {

    AsS3AnswersWithoutListBucket(BlobStore files) {
      super(files);
    }

    @Override
    public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
      return existing(() -> super.blobMetadata(request));
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
      return existing(() -> super.getBlob(request));
    }

    /**
     * An anonymous read is judged by the object's ACL first; a missing object is as private as any,
     * so that an unsigned request cannot tell which keys exist.
     */
    @Override
    public ObjectCannedACL getBlobAccess(String container, String name) {
      try {
        return super.getBlobAccess(container, name);
      } catch (NoSuchKeyException missing) {
        return ObjectCannedACL.PRIVATE;
      }
    }

    /** The store answers a missing key with null or NoSuchKey, depending on the call. */
    private static <T> T existing(Supplier<T> read) {
      T found;
      try {
        found = read.get();
      } catch (NoSuchKeyException missing) {
        found = null;
      }
      if (found == null) {
        throw new S3ProxyException(S3ErrorCode.ACCESS_DENIED);
      }
      return found;
    }
  }
}
