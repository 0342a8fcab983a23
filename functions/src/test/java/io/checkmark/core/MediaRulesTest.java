package io.checkmark.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** MediaService's rules, and media in sends, on in-memory ports. */
class MediaRulesTest {

  private static final String SHA256 = Base64.getEncoder().encodeToString(new byte[32]);
  private static final String KEY = Base64.getEncoder().encodeToString(new byte[64]);

  private final CoreFixture core = new CoreFixture();
  private final Session alice = core.register(TestPhones.next());
  private final Session bob = core.register(TestPhones.next());

  @Test
  void anUploadIsGrantedUnderANewRandomIdOf128Bits() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      MediaService.UploadGrant grant = core.media.requestUpload(alice, "image/jpeg", 1234L, SHA256);
      assertThat(Base64.getUrlDecoder().decode(grant.mediaId())).hasSize(16);
      assertThat(grant.request().url()).contains(grant.mediaId()).doesNotContain(alice.phone());
      assertThat(grant.validity()).isEqualTo(MediaService.UPLOAD_VALIDITY);
      ids.add(grant.mediaId());
    }
    assertThat(ids).hasSize(3);
  }

  @Test
  void uploadsAreLimitedPerAccountPerHour() {
    for (int i = 0; i < CoreFixture.MEDIA_LIMITS.uploadsPerHour(); i++) {
      core.media.requestUpload(alice, "image/jpeg", 10L, SHA256);
    }
    assertRefused(
        () -> core.media.requestUpload(alice, "image/jpeg", 10L, SHA256),
        Refusal.Reason.RATE_LIMITED);
    core.media.requestUpload(bob, "image/jpeg", 10L, SHA256);
  }

  @Test
  void aFileLargerThanTheLimitIsRefusedAsTooLarge() {
    assertRefused(
        () ->
            core.media.requestUpload(
                alice, "video/mp4", CoreFixture.MEDIA_LIMITS.maxBytes() + 1, SHA256),
        Refusal.Reason.MEDIA_TOO_LARGE);
    core.media.requestUpload(alice, "video/mp4", CoreFixture.MEDIA_LIMITS.maxBytes(), SHA256);
  }

  @Test
  void malformedUploadRequestsAreRefusedAndCountNothing() {
    List<ThrowingCallable> requests =
        List.of(
            () -> core.media.requestUpload(alice, null, 10L, SHA256),
            () -> core.media.requestUpload(alice, "jpeg", 10L, SHA256),
            () -> core.media.requestUpload(alice, "image/jpeg\r\nx-amz-acl: public", 10L, SHA256),
            () -> core.media.requestUpload(alice, "image/jpeg", null, SHA256),
            () -> core.media.requestUpload(alice, "image/jpeg", 0L, SHA256),
            () -> core.media.requestUpload(alice, "image/jpeg", -5L, SHA256),
            () -> core.media.requestUpload(alice, "image/jpeg", 10L, null),
            () -> core.media.requestUpload(alice, "image/jpeg", 10L, "not base64!"),
            () ->
                core.media.requestUpload(
                    alice, "image/jpeg", 10L, Base64.getEncoder().encodeToString(new byte[31])));
    for (ThrowingCallable request : requests) {
      assertRefused(request, Refusal.Reason.INVALID_REQUEST);
    }
    for (int i = 0; i < CoreFixture.MEDIA_LIMITS.uploadsPerHour(); i++) {
      core.media.requestUpload(alice, "image/jpeg", 10L, SHA256);
    }
  }

  @Test
  void aMessageWithAMatchingUploadIsStoredWithEveryMediaField() {
    String mediaId = uploaded(5000, "image/png");
    Attachment media = upload(mediaId, 5000L, "image/png", "AAEC", "cat.png");

    core.messaging.send(alice, bob.phone(), "c-1", null, media);

    assertThat(core.ports.queue.all(bob.phone()))
        .singleElement()
        .isInstanceOfSatisfying(
            QueueItem.Message.class, message -> assertThat(message.attachment()).isEqualTo(media));
  }

  @Test
  void anUnknownOrMismatchedUploadIsMediaNotFoundAndNothingIsStored() {
    String mediaId = uploaded(5000, "image/png");
    List<Attachment> wrong =
        List.of(
            upload("AAAAAAAAAAAAAAAAAAAAAA", 5000L, "image/png", null, null),
            upload(mediaId, 5001L, "image/png", null, null),
            upload(mediaId, 5000L, "image/jpeg", null, null),
            new Attachment(
                null,
                mediaId,
                "image/png",
                5000L,
                Base64.getEncoder()
                    .encodeToString(
                        new byte[] {
                          1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
                          22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32
                        }),
                KEY,
                null,
                null));
    for (Attachment media : wrong) {
      assertRefused(
          () -> core.messaging.send(alice, bob.phone(), "c-1", null, media),
          Refusal.Reason.MEDIA_NOT_FOUND);
    }
    assertThat(core.ports.queue.all(bob.phone())).isEmpty();
  }

  @Test
  void anIdOfAnyOtherFormIsNotFoundWithoutAskingStorage() {
    for (String id : List.of("", "../other", "x".repeat(5000), "AAAAAAAAAAAAAAAAAAAAA=")) {
      assertRefused(
          () ->
              core.messaging.send(
                  alice, bob.phone(), "c-1", null, upload(id, 10L, "a/b", null, null)),
          Refusal.Reason.MEDIA_NOT_FOUND);
      assertRefused(() -> core.media.requestDownload(id), Refusal.Reason.MEDIA_NOT_FOUND);
    }
    assertThat(core.ports.media.lookups).isEmpty();
  }

  @Test
  void aThumbnailOfMoreThan16KbIsRefusedAndOneOf16KbIsStored() {
    String mediaId = uploaded(100, "image/jpeg");
    String largest = "A".repeat(MediaService.MAX_THUMBNAIL_CHARS);

    assertRefused(
        () ->
            core.messaging.send(
                alice,
                bob.phone(),
                "c-1",
                null,
                upload(mediaId, 100L, "image/jpeg", largest + "AAAA", null)),
        Refusal.Reason.INVALID_REQUEST);
    assertRefused(
        () ->
            core.messaging.send(
                alice,
                bob.phone(),
                "c-2",
                "see link",
                Attachment.link("https://x/y", "image/jpeg", largest + "AAAA")),
        Refusal.Reason.INVALID_REQUEST);
    core.messaging.send(
        alice, bob.phone(), "c-3", null, upload(mediaId, 100L, "image/jpeg", largest, null));
    assertThat(core.ports.queue.all(bob.phone())).hasSize(1);
  }

  @Test
  void malformedMediaFieldsAreBadRequestsAndNeverReachStorage() {
    List<Attachment> malformed =
        List.of(
            new Attachment(null, null, "image/png", 10L, SHA256, KEY, null, null),
            new Attachment(
                "https://x/y", "AAAAAAAAAAAAAAAAAAAAAA", "image/png", 10L, SHA256, KEY, null, null),
            new Attachment(null, "AAAAAAAAAAAAAAAAAAAAAA", null, 10L, SHA256, KEY, null, null),
            new Attachment(
                null, "AAAAAAAAAAAAAAAAAAAAAA", "image/png", null, SHA256, KEY, null, null),
            new Attachment(
                null, "AAAAAAAAAAAAAAAAAAAAAA", "image/png", 10L, "abc", KEY, null, null),
            new Attachment(
                null, "AAAAAAAAAAAAAAAAAAAAAA", "image/png", 10L, SHA256, null, null, null),
            new Attachment(
                null, "AAAAAAAAAAAAAAAAAAAAAA", "image/png", 10L, SHA256, "!!", null, null),
            new Attachment(
                null,
                "AAAAAAAAAAAAAAAAAAAAAA",
                "image/png",
                10L,
                SHA256,
                KEY,
                null,
                "n".repeat(256)));
    for (Attachment media : malformed) {
      assertRefused(
          () -> core.messaging.send(alice, bob.phone(), "c-1", null, media),
          Refusal.Reason.INVALID_REQUEST);
    }
    assertThat(core.ports.media.lookups).isEmpty();
    assertThat(core.ports.queue.all(bob.phone())).isEmpty();
  }

  @Test
  void aLinkToAFileElsewhereIsStillAccepted() {
    core.messaging.send(
        alice,
        bob.phone(),
        "c-1",
        null,
        Attachment.link("https://example.com/p.jpg", "image/jpeg", "AAEC"));

    assertThat(core.ports.queue.all(bob.phone())).hasSize(1);
    assertThat(core.ports.media.lookups).isEmpty();
  }

  @Test
  void aGroupMessageWithAMissingUploadIsRefusedAndNoEventIsStored() {
    Group group = core.groups.create(alice, "g", List.of(bob.phone()));
    int events = core.ports.groups.events.size();

    assertRefused(
        () ->
            core.groups.send(
                alice,
                group.id(),
                "c-1",
                null,
                upload("AAAAAAAAAAAAAAAAAAAAAA", 10L, "a/b", null, null)),
        Refusal.Reason.MEDIA_NOT_FOUND);
    assertThat(core.ports.groups.events).hasSize(events);

    String mediaId = uploaded(10, "a/b");
    core.groups.send(alice, group.id(), "c-2", null, upload(mediaId, 10L, "a/b", null, null));
    assertThat(core.ports.groups.events).hasSize(events + 1);
  }

  @Test
  void aDownloadIsGrantedOnlyForAStoredFile() {
    String mediaId = uploaded(10, "audio/ogg");

    assertThat(core.media.requestDownload(mediaId).url()).contains(mediaId);
    assertRefused(
        () -> core.media.requestDownload("BBBBBBBBBBBBBBBBBBBBBB"), Refusal.Reason.MEDIA_NOT_FOUND);
  }

  /** An upload storage holds, as its presigned PUT would have stored it. */
  private String uploaded(long size, String mimeType) {
    String mediaId = core.media.requestUpload(alice, mimeType, size, SHA256).mediaId();
    core.ports.media.uploads.put(mediaId, new MediaStore.Upload(size, mimeType, SHA256));
    return mediaId;
  }

  private static Attachment upload(
      String mediaId, Long size, String mimeType, String thumbnail, String name) {
    return new Attachment(null, mediaId, mimeType, size, SHA256, KEY, thumbnail, name);
  }

  private static void assertRefused(ThrowingCallable request, Refusal.Reason reason) {
    assertThatThrownBy(request)
        .isInstanceOfSatisfying(
            Refusal.class, refusal -> assertThat(refusal.reason()).isEqualTo(reason));
  }
}
