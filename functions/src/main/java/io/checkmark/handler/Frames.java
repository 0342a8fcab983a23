package io.checkmark.handler;

import io.checkmark.core.Attachment;
import io.checkmark.core.Device;
import io.checkmark.core.LinkedDevices;
import io.checkmark.core.QueueItem;
import io.checkmark.core.Refusal;
import io.checkmark.core.Sessions;
import io.checkmark.core.Typing;
import io.checkmark.protocol.Devices;
import io.checkmark.protocol.ErrorCode;
import io.checkmark.protocol.ErrorFrame;
import io.checkmark.protocol.GroupUpdateFrame;
import io.checkmark.protocol.Media;
import io.checkmark.protocol.MessageFrame;
import io.checkmark.protocol.ProtocolException;
import io.checkmark.protocol.ReceiptFrame;
import io.checkmark.protocol.ServerFrame;
import io.checkmark.protocol.TypingFrame;
import io.checkmark.protocol.WireJson;
import java.nio.charset.StandardCharsets;

/**
 * The one mapping between the domain and the wire: queued items become the frames that carry them,
 * attachments and media convert both ways, and each reason for a refusal has its error code.
 */
public final class Frames {

  private Frames() {}

  /** The frame that carries a queued item to its owner. */
  public static ServerFrame of(QueueItem item) {
    if (item instanceof QueueItem.Message message) {
      return new MessageFrame(
          message.messageId(),
          message.from(),
          message.fromDevice(),
          message.to(),
          message.group(),
          message.clientId(),
          message.body(),
          message.acceptedAt().toEpochMilli(),
          media(message.attachment()));
    }
    if (item instanceof QueueItem.GroupUpdate update) {
      return new GroupUpdateFrame(
          update.messageId(),
          update.groupId(),
          update.change(),
          update.by(),
          update.name(),
          update.members(),
          update.admins(),
          update.acceptedAt().toEpochMilli());
    }
    QueueItem.Receipt receipt = (QueueItem.Receipt) item;
    return new ReceiptFrame(
        receipt.messageId(),
        receipt.status(),
        receipt.by(),
        receipt.byDevice(),
        receipt.group(),
        receipt.messageIds(),
        receipt.acceptedAt().toEpochMilli());
  }

  /** The frame that carries a typing signal. */
  public static ServerFrame typing(Typing typing) {
    return new TypingFrame(typing.from(), typing.group(), typing.state());
  }

  /** The bytes the item's frame takes as pushed: JSON, escapes included, in UTF-8. */
  public static int sizeAsPushed(QueueItem item) {
    return WireJson.write(of(item)).getBytes(StandardCharsets.UTF_8).length;
  }

  /** What a connection of a replaced device is told before it is closed. */
  public static ServerFrame deviceReplaced() {
    return new ErrorFrame(
        ErrorCode.DEVICE_REPLACED.name(), Sessions.DEVICE_REPLACED, null, null, null, null);
  }

  /** What a connection of an unlinked device is told before it is closed. */
  public static ServerFrame deviceUnlinked() {
    return new ErrorFrame(
        ErrorCode.DEVICE_UNLINKED.name(), Sessions.DEVICE_UNLINKED, null, null, null, null);
  }

  /** A device's entry in {@code listDevices}: live devices were seen now. */
  static Devices.Device listed(LinkedDevices.Listed listed, long nowMillis) {
    Device device = listed.device();
    Long lastSeen =
        listed.live()
            ? Long.valueOf(nowMillis)
            : device.lastSeen() == null ? null : device.lastSeen().toEpochMilli();
    return new Devices.Device(
        device.id(), device.name(), device.linkedAt().toEpochMilli(), lastSeen);
  }

  static Attachment attachment(Media media) {
    return media == null
        ? null
        : new Attachment(
            media.url(),
            media.mediaId(),
            media.mimeType(),
            media.size(),
            media.sha256(),
            media.key(),
            media.thumbnail(),
            media.name());
  }

  private static Media media(Attachment attachment) {
    return attachment == null
        ? null
        : new Media(
            attachment.url(),
            attachment.mediaId(),
            attachment.mimeType(),
            attachment.size(),
            attachment.sha256(),
            attachment.key(),
            attachment.thumbnail(),
            attachment.name());
  }

  /** A refusal as the wire states it. */
  public static ProtocolException refused(Refusal refusal) {
    return new ProtocolException(
        code(refusal.reason()),
        refusal.getMessage(),
        refusal.retryAfterSeconds(),
        refusal.attemptsLeft());
  }

  /** Each reason's error code; the switch covers every reason, so a new one cannot go unmapped. */
  public static ErrorCode code(Refusal.Reason reason) {
    return switch (reason) {
      case INVALID_REQUEST -> ErrorCode.BAD_REQUEST;
      case INVALID_PHONE -> ErrorCode.INVALID_PHONE;
      case NOT_LOGGED_IN, WRONG_CREDENTIALS -> ErrorCode.UNAUTHORIZED;
      case DEVICE_REPLACED -> ErrorCode.DEVICE_REPLACED;
      case RATE_LIMITED -> ErrorCode.RATE_LIMITED;
      case WRONG_PIN -> ErrorCode.INVALID_PIN;
      case PIN_EXPIRED -> ErrorCode.PIN_EXPIRED;
      case TOO_MANY_ATTEMPTS -> ErrorCode.TOO_MANY_ATTEMPTS;
      case UNKNOWN_RECIPIENT -> ErrorCode.UNKNOWN_RECIPIENT;
      case MESSAGE_TOO_LARGE -> ErrorCode.MESSAGE_TOO_LARGE;
      case LINK_EXPIRED -> ErrorCode.LINK_EXPIRED;
      case NOT_PRIMARY -> ErrorCode.NOT_PRIMARY;
      case TOO_MANY_DEVICES -> ErrorCode.TOO_MANY_DEVICES;
      case DEVICE_UNLINKED -> ErrorCode.DEVICE_UNLINKED;
      case UNKNOWN_DEVICE -> ErrorCode.UNKNOWN_DEVICE;
      case UNKNOWN_GROUP -> ErrorCode.UNKNOWN_GROUP;
      case NOT_A_MEMBER -> ErrorCode.NOT_A_MEMBER;
      case NOT_AN_ADMIN -> ErrorCode.NOT_AN_ADMIN;
      case GROUP_FULL -> ErrorCode.GROUP_FULL;
      case MEDIA_TOO_LARGE -> ErrorCode.MEDIA_TOO_LARGE;
      case MEDIA_NOT_FOUND -> ErrorCode.MEDIA_NOT_FOUND;
    };
  }
}
