package io.checkmark.core;

import java.util.List;

/**
 * What a group message or change is stored as, once, before it is answered: the item every
 * recipient device gets a copy of, the phones whose devices get one (the members when it was
 * accepted, in a fixed order, so that a fan-out resumed after a crash goes on where it stopped),
 * and the one device that gets none (the sending device of a message; none for a change, which
 * every device hears of).
 */
public record GroupEvent(QueueItem item, List<String> recipients, DeviceRef excluded) {

  public GroupEvent {
    recipients = List.copyOf(recipients);
  }

  public String messageId() {
    return item.messageId();
  }
}
