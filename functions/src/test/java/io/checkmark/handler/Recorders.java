package io.checkmark.handler;

import io.checkmark.core.ConnectionPusher;
import io.checkmark.core.SmsSender;
import io.checkmark.protocol.ServerFrame;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Recording stand-ins for the SMS and management-API boundaries. */
final class Recorders {

  private Recorders() {
  }

  record Sms(String phone, String text) {
  }

  static final class RecordingSms implements SmsSender {
    final List<Sms> sent = new CopyOnWriteArrayList<>();

    @Override
    public void send(String phone, String text) {
      sent.add(new Sms(phone, text));
    }

    List<Sms> to(String phone) {
      return sent.stream().filter(sms -> sms.phone().equals(phone)).toList();
    }
  }

  record Push(String connectionId, ServerFrame frame) {
  }

  static final class RecordingPusher implements ConnectionPusher {
    final List<Push> pushed = new CopyOnWriteArrayList<>();
    final Set<String> closed = ConcurrentHashMap.newKeySet();

    @Override
    public PushResult send(String connectionId, ServerFrame frame) {
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
  }
}
