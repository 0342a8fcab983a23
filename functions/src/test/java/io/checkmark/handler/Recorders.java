package io.checkmark.handler;

import io.checkmark.core.ConnectionPusher;
import io.checkmark.core.DeviceRef;
import io.checkmark.core.MediaStore;
import io.checkmark.core.QueueItem;
import io.checkmark.core.RegistrationService;
import io.checkmark.core.SmsSender;
import io.checkmark.core.Typing;
import io.checkmark.protocol.Linked;
import io.checkmark.protocol.ServerFrame;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;

/**
 * Recording stand-ins for the SMS and push boundaries; pushes are recorded as the frames they would
 * post.
 */
final class Recorders {

  /** The message id MAC key tests give their backends instead of a Secrets Manager secret. */
  static final byte[] MESSAGE_ID_KEY =
      "a test key for message id MACs, 32+ bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private Recorders() {}

  record Sms(String phone, String text) {}

  static final class RecordingSms implements SmsSender {
    final List<Sms> sent = new CopyOnWriteArrayList<>();

    @Override
    public void send(String phone, String text) {
      sent.add(new Sms(phone, text));
    }

    List<Sms> to(String phone) {
      return sent.stream().filter(sms -> sms.phone().equals(phone)).toList();
    }

    /** The PIN in the latest SMS to the phone: its 6-digit run. */
    String lastPinTo(String phone) {
      List<Sms> texts = to(phone);
      if (texts.isEmpty()) {
        throw new AssertionError("no SMS to " + phone);
      }
      Matcher pin = RegistrationService.PIN_IN_SMS.matcher(texts.get(texts.size() - 1).text());
      if (!pin.find()) {
        throw new AssertionError("no PIN in " + texts.get(texts.size() - 1).text());
      }
      return pin.group();
    }
  }

  record Push(String connectionId, ServerFrame frame) {}

  static final class RecordingPusher implements ConnectionPusher {
    final List<Push> pushed = new CopyOnWriteArrayList<>();
    final Set<String> closed = ConcurrentHashMap.newKeySet();

    @Override
    public PushResult push(String connectionId, QueueItem item) {
      return record(connectionId, Frames.of(item));
    }

    @Override
    public PushResult pushDeviceReplaced(String connectionId) {
      return record(connectionId, Frames.deviceReplaced());
    }

    @Override
    public PushResult pushDeviceUnlinked(String connectionId) {
      return record(connectionId, Frames.deviceUnlinked());
    }

    @Override
    public PushResult pushLinked(String connectionId, DeviceRef device, String deviceKey) {
      return record(connectionId, new Linked(device.phone(), device.deviceId(), deviceKey));
    }

    @Override
    public PushResult pushTyping(String connectionId, Typing typing) {
      return record(connectionId, Frames.typing(typing));
    }

    @Override
    public int sizeAsPushed(QueueItem item) {
      return Frames.sizeAsPushed(item);
    }

    private PushResult record(String connectionId, ServerFrame frame) {
      if (closed.contains(connectionId)) {
        return PushResult.GONE;
      }
      pushed.add(new Push(connectionId, frame));
      return PushResult.DELIVERED;
    }

    @Override
    public void close(String connectionId) {
      closed.add(connectionId);
    }

    @Override
    public Liveness liveness(String connectionId) {
      return closed.contains(connectionId) ? Liveness.GONE : Liveness.OPEN;
    }
  }

  /** Uploads as storage would hold them; grants name what they grant. */
  static final class Uploads implements MediaStore {
    final Map<String, Upload> stored = new ConcurrentHashMap<>();

    @Override
    public Grant grantUpload(
        String mediaId, String mimeType, long size, String sha256, Duration validity) {
      return new Grant("https://media.test/media/" + mediaId, Map.of("content-type", mimeType));
    }

    @Override
    public Grant grantDownload(String mediaId, Duration validity) {
      return new Grant("https://media.test/media/" + mediaId, Map.of());
    }

    @Override
    public Optional<Upload> find(String mediaId) {
      return Optional.ofNullable(stored.get(mediaId));
    }
  }
}
