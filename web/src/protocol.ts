// The server's frames, as the Java records of the protocol module write them (protocol v1 and v2).
// Each frame is one flat interface whose `type` is the record's name in lower camel case without a
// trailing "Frame"; nested records (Media, Device) have interfaces of their own, named as in Java.
// ProtocolTypesTest (web/src/test/java) fails the build when these fields and the records differ.

/** Every reply may carry the `ref` of the request it answers. */
interface Reply {
  ref?: string;
}

export interface Accepted extends Reply {
  type: "accepted";
  id: string;
  messageId: string;
  to?: string;
  group?: string;
  ts: number;
}

export interface Acked extends Reply {
  type: "acked";
  count: number;
}

export interface BlockList extends Reply {
  type: "blockList";
  phones: string[];
}

export interface Blocked extends Reply {
  type: "blocked";
  phone: string;
}

export interface DeviceLinked extends Reply {
  type: "deviceLinked";
  deviceId: number;
  name: string;
}

export interface DeviceUnlinked extends Reply {
  type: "deviceUnlinked";
  deviceId: number;
}

export interface Device {
  deviceId: number;
  name?: string;
  linkedAt: number;
  lastSeen?: number;
}

export interface Devices extends Reply {
  type: "devices";
  devices: Device[];
}

export interface DownloadUrl extends Reply {
  type: "downloadUrl";
  mediaId: string;
  url: string;
  expiresInSeconds: number;
}

export interface ErrorFrame extends Reply {
  type: "error";
  code: ErrorCode;
  message: string;
  action?: string;
  id?: string;
  retryAfterSeconds?: number;
  attemptsLeft?: number;
}

export interface GroupCreated extends Reply {
  type: "groupCreated";
  groupId: string;
  name: string;
  members: string[];
  admins: string[];
}

export interface GroupFrame extends Reply {
  type: "group";
  groupId: string;
  name: string;
  members: string[];
  admins: string[];
}

export interface GroupLeft extends Reply {
  type: "groupLeft";
  groupId: string;
}

export interface GroupUpdateFrame extends Reply {
  type: "groupUpdate";
  messageId: string;
  groupId: string;
  change: "created" | "updated" | "left";
  by: string;
  name: string;
  members: string[];
  admins: string[];
  ts: number;
}

export interface GroupUpdated extends Reply {
  type: "groupUpdated";
  groupId: string;
  name: string;
  members: string[];
  admins: string[];
}

export interface LinkCode extends Reply {
  type: "linkCode";
  code: string;
  expiresInSeconds: number;
}

export interface Linked extends Reply {
  type: "linked";
  phone: string;
  deviceId: number;
  deviceKey: string;
}

export interface LoggedIn extends Reply {
  type: "loggedIn";
  phone: string;
  deviceId?: number;
}

/** An attachment: uploaded (mediaId, key, size, sha256) or, from v1 clients, a link (url). */
export interface Media {
  url?: string;
  mediaId?: string;
  mimeType?: string;
  size?: number;
  sha256?: string;
  key?: string;
  thumbnail?: string;
  name?: string;
}

export interface MessageFrame extends Reply {
  type: "message";
  messageId: string;
  from: string;
  fromDevice?: number;
  to?: string;
  group?: string;
  id: string;
  body?: string;
  ts: number;
  media?: Media;
}

export interface PinSent extends Reply {
  type: "pinSent";
  phone: string;
  expiresInSeconds: number;
}

export interface Pong extends Reply {
  type: "pong";
}

export interface Presence extends Reply {
  type: "presence";
  phone: string;
  online: boolean;
  lastSeen: number | null;
}

export interface PrivacySet extends Reply {
  type: "privacySet";
}

export interface PushRegistered extends Reply {
  type: "pushRegistered";
}

export interface PushUnregistered extends Reply {
  type: "pushUnregistered";
}

export interface ReceiptFrame extends Reply {
  type: "receipt";
  messageId: string;
  status: "delivered" | "read";
  by: string;
  byDevice?: number;
  group?: string;
  messageIds: string[];
  ts: number;
}

export interface ReceiptSent extends Reply {
  type: "receiptSent";
  count: number;
}

export interface Registered extends Reply {
  type: "registered";
  phone: string;
  deviceKey: string;
}

export interface Synced extends Reply {
  type: "synced";
  count: number;
  more: boolean;
}

export interface TypingFrame extends Reply {
  type: "typing";
  from: string;
  group?: string;
  state: "typing" | "paused";
}

export interface Unblocked extends Reply {
  type: "unblocked";
  phone: string;
}

export interface UploadUrl extends Reply {
  type: "uploadUrl";
  mediaId: string;
  url: string;
  method: string;
  headers: Record<string, string>;
  expiresInSeconds: number;
}

export type ServerFrame =
  | Accepted
  | Acked
  | BlockList
  | Blocked
  | DeviceLinked
  | DeviceUnlinked
  | Devices
  | DownloadUrl
  | ErrorFrame
  | GroupCreated
  | GroupFrame
  | GroupLeft
  | GroupUpdateFrame
  | GroupUpdated
  | LinkCode
  | Linked
  | LoggedIn
  | MessageFrame
  | PinSent
  | Pong
  | Presence
  | PrivacySet
  | PushRegistered
  | PushUnregistered
  | ReceiptFrame
  | ReceiptSent
  | Registered
  | Synced
  | TypingFrame
  | Unblocked
  | UploadUrl;

/** The frames a request is answered with, by type: what `request` resolves to. */
export type FrameOfType<T extends ServerFrame["type"]> = Extract<ServerFrame, { type: T }>;

/** The items of a device's queue: pushed live, returned by sync, acked once stored. */
export type QueueItem = MessageFrame | ReceiptFrame | GroupUpdateFrame;

export type ErrorCode =
  | "BAD_REQUEST"
  | "UNKNOWN_ACTION"
  | "UNAUTHORIZED"
  | "INVALID_PHONE"
  | "RATE_LIMITED"
  | "INVALID_PIN"
  | "PIN_EXPIRED"
  | "TOO_MANY_ATTEMPTS"
  | "UNKNOWN_RECIPIENT"
  | "MESSAGE_TOO_LARGE"
  | "DEVICE_REPLACED"
  | "LINK_EXPIRED"
  | "NOT_PRIMARY"
  | "TOO_MANY_DEVICES"
  | "DEVICE_UNLINKED"
  | "UNKNOWN_DEVICE"
  | "UNKNOWN_GROUP"
  | "NOT_A_MEMBER"
  | "NOT_AN_ADMIN"
  | "GROUP_FULL"
  | "MEDIA_TOO_LARGE"
  | "MEDIA_NOT_FOUND"
  | "INTERNAL";

/** A device's credentials: device 1 is the primary, which registered by PIN. */
export interface Credentials {
  phone: string;
  deviceId: number;
  deviceKey: string;
}

/** A one-to-one chat (`to`, a phone) or a group (`group`, its id): where a message or typing goes. */
export type Address = { to: string } | { group: string };

/**
 * Whether a frame is API Gateway's own answer to an invocation that failed, such as
 * {"message":"Internal server error","connectionId":...,"requestId":...}: it names no request.
 */
export function isGatewayError(frame: Record<string, unknown>): boolean {
  return (
    !("type" in frame) && typeof frame.message === "string" && typeof frame.requestId === "string"
  );
}
