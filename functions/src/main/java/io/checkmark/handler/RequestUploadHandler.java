package io.checkmark.handler;

import io.checkmark.core.MediaService;
import io.checkmark.protocol.ServerFrame;
import io.checkmark.protocol.UploadUrl;

/**
 * {@code requestUpload}: a presigned {@code PUT} for one encrypted media file, which storage
 * accepts only with exactly the length, type and SHA-256 given here.
 */
public final class RequestUploadHandler extends ActionHandler<RequestUploadHandler.RequestUpload> {

  private final MediaService media;

  public RequestUploadHandler() {
    this(Composition.lambda(true));
  }

  public RequestUploadHandler(Composition root) {
    super(RequestUpload.class, Access.LOGGED_IN, root.sessions());
    this.media = root.mediaService();
  }

  @Override
  protected ServerFrame handle(Caller caller, RequestUpload request) {
    MediaService.UploadGrant grant =
        media.requestUpload(caller.session(), request.mimeType(), request.size(), request.sha256());
    return new UploadUrl(
        grant.mediaId(),
        grant.request().url(),
        "PUT",
        grant.request().headers(),
        grant.validity().toSeconds());
  }

  public record RequestUpload(String mimeType, Long size, String sha256) {}
}
