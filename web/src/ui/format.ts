// Times and sizes as the UI shows them, in the browser's locale.

const DAY_MS = 24 * 60 * 60 * 1000;

function startOfDay(ts: number): number {
  const day = new Date(ts);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}

export function clockTime(ts: number): string {
  return new Date(ts).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function dayName(ts: number, now = Date.now()): string {
  const days = Math.round((startOfDay(now) - startOfDay(ts)) / DAY_MS);
  if (days === 0) {
    return "today";
  }
  if (days === 1) {
    return "yesterday";
  }
  return new Date(ts).toLocaleDateString([], { day: "numeric", month: "short" });
}

/** The chat list's time: the hour today, else the day. */
export function chatTime(ts: number): string {
  if (ts <= 0) {
    return "";
  }
  const day = dayName(ts);
  if (day === "today") {
    return clockTime(ts);
  }
  return day === "yesterday" ? "Yesterday" : day;
}

export function presenceText(online: boolean, lastSeen: number | null): string {
  if (online) {
    return "online";
  }
  if (lastSeen === null) {
    return "";
  }
  return `last seen ${dayName(lastSeen)} at ${clockTime(lastSeen)}`;
}

export function fileSize(bytes: number | undefined): string {
  if (bytes === undefined) {
    return "";
  }
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  if (bytes < 1024 * 1024) {
    return `${(bytes / 1024).toFixed(0)} KB`;
  }
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
