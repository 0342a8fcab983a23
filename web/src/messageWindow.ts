// Which slice of a conversation is in the DOM. A conversation may hold tens of thousands of
// messages; the page renders a window of at most WINDOW_SIZE of them, the newest at first, and
// slides it by WINDOW_STEP as the reader scrolls near either end, so the DOM stays the same size
// however long the conversation is. Pure arithmetic, so that node tests can check it.

export const WINDOW_SIZE = 100;
export const WINDOW_STEP = 40;

/** Messages [start, end) of the conversation are rendered. */
export interface MessageWindow {
  start: number;
  end: number;
}

/** The newest messages: where a conversation opens, and where it follows new ones. */
export function newestWindow(count: number): MessageWindow {
  return { start: Math.max(0, count - WINDOW_SIZE), end: count };
}

/** True when the window holds the conversation's newest message (or the conversation is empty). */
export function atNewest(window: MessageWindow, count: number): boolean {
  return window.end >= count;
}

/**
 * The window once the conversation holds `count` messages (it held `before`): one that showed the
 * newest follows on to the new newest; one further back stays where it was.
 */
export function afterChange(window: MessageWindow, before: number, count: number): MessageWindow {
  if (atNewest(window, before)) {
    return newestWindow(count);
  }
  const end = Math.min(window.end, count);
  return { start: Math.max(0, Math.min(window.start, end - WINDOW_SIZE)), end };
}

/** The reader neared the top: older messages come in, the newest of the window go. */
export function towardsOlder(window: MessageWindow): MessageWindow {
  const start = Math.max(0, window.start - WINDOW_STEP);
  return { start, end: Math.min(window.end, start + WINDOW_SIZE) };
}

/** The reader neared the bottom: newer messages come in, the oldest of the window go. */
export function towardsNewer(window: MessageWindow, count: number): MessageWindow {
  const end = Math.min(count, window.end + WINDOW_STEP);
  return { start: Math.max(window.start, end - WINDOW_SIZE), end };
}
