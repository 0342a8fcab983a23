package io.checkmark.protocol;

/**
 * A frame the server sends to a client. Its {@code type} is the record's name in lower camel case,
 * without a trailing "Frame" ({@code ErrorFrame} is {@code "error"}); {@link WireJson} writes it
 * first.
 */
public sealed interface ServerFrame
    permits Accepted,
        Acked,
        BlockList,
        Blocked,
        DeviceLinked,
        DeviceUnlinked,
        Devices,
        DownloadUrl,
        ErrorFrame,
        GroupCreated,
        GroupFrame,
        GroupLeft,
        GroupUpdateFrame,
        GroupUpdated,
        LinkCode,
        Linked,
        LoggedIn,
        MessageFrame,
        PinSent,
        Pong,
        Presence,
        PrivacySet,
        PushRegistered,
        PushUnregistered,
        ReceiptFrame,
        ReceiptSent,
        Registered,
        Synced,
        TypingFrame,
        Unblocked,
        UploadUrl {}
