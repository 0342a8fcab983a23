package io.checkmark.handler;

import io.checkmark.core.MediaService;
import io.checkmark.core.MediaStore;
import io.checkmark.protocol.DownloadUrl;
import io.checkmark.protocol.ServerFrame;

/** {@code requestDownload}: a short-lived presigned {@code GET} of a stored media file. */
public final class RequestDownloadHandler
    extends ActionHandler<RequestDownloadHandler.RequestDownload> {

  private final MediaService media;

  public RequestDownloadHandler() {
    this(Composition.lambda(true));
  }

  public RequestDownloadHandler(Composition root) {
    super(RequestDownload.class, Access.LOGGED_IN, root.sessions());
    this.media = root.mediaService();
  }

  @Override
  protected ServerFrame handle(Caller caller, RequestDownload request) {
    MediaStore.Grant grant = media.requestDownload(request.mediaId());
    return new DownloadUrl(
        request.mediaId(), grant.url(), MediaService.DOWNLOAD_VALIDITY.toSeconds());
  }

  public record RequestDownload(String mediaId) {}
}
