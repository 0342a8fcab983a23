/**
 * Reconnect delays as a value, so that they are tested without waiting: exponential from `minMs`,
 * capped at `maxMs`, with "equal jitter" (half the ceiling fixed, half random), so that a crowd of
 * clients cut off together comes back spread out and none comes back at once. As the Java SDK does.
 */
export function backoffDelay(
  failedAttempts: number,
  minMs = 250,
  maxMs = 30_000,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(failedAttempts, 20));
  return ceiling / 2 + random() * (ceiling / 2);
}
