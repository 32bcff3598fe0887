// Jittered exponential backoff for reconnects and count retries: half the capped exponential
// delay plus a random half ("equal jitter"), so a deploy that drops every client at once does not
// bring them all back in the same millisecond, yet no client waits less than half the step.

export interface BackoffOptions {
  /** Delay before the first retry (before jitter). */
  initialMs: number;
  /** Upper bound of any delay. */
  maxMs: number;
}

export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const step = Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, attempt));
  return Math.round(step / 2 + random() * (step / 2));
}
