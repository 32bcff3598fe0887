// Refresh tokens rotate on every use and the API revokes a whole session when a spent one is reused,
// so concurrent requests of one browser must not each refresh. Within an isolate this coalesces them:
// one refresh per refresh token in flight, and its outcome is remembered for a short while so a
// request that still carries the old cookie (sent before the rotating response arrived) gets the same
// new session instead of replaying the spent token. Across isolates the API's refresh grace window
// covers the remaining race.
export const REMEMBER_ROTATION_MS = 30_000;

interface Remembered<T> {
  result: Promise<T>;
  until: number;
}

export class RefreshCoalescer<T> {
  private readonly entries = new Map<string, Remembered<T>>();
  constructor(private readonly now: () => number = Date.now) {}

  run(refreshToken: string, refresh: () => Promise<T>): Promise<T> {
    const now = this.now();
    const known = this.entries.get(refreshToken);
    if (known && known.until > now) return known.result;
    this.prune(now);
    const result = refresh();
    this.entries.set(refreshToken, { result, until: now + REMEMBER_ROTATION_MS });
    // A failed refresh is not remembered: the next request may legitimately retry (e.g. API down).
    result.catch(() => this.entries.delete(refreshToken));
    return result;
  }

  private prune(now: number): void {
    for (const [token, entry] of this.entries) if (entry.until <= now) this.entries.delete(token);
  }
}
