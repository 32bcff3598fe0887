// Brute-force protection for client credentials: at most AUTH_FAILURE_LIMIT unknown-credential
// attempts per client address in any sliding AUTH_FAILURE_WINDOW_MS; beyond that the address gets
// 429 with Retry-After until its oldest failure leaves the window. While an address is throttled,
// credentials this isolate has not already verified are not looked up at all, so a guesser learns
// nothing and costs no KV reads; clients whose record the isolate holds keep working.
//
// Why in-isolate memory: the counter runs only on the failure path, with no await and no I/O, so it
// is free for legitimate traffic. It is approximate (each isolate counts on its own, so an attacker
// spread over many isolates gets proportionally more attempts), but so is the Workers rate-limiting
// binding (per Cloudflare location, eventually consistent); that binding could back this class in
// production without changing callers. A Durable Object counter would be exact but would put a
// round trip on every failed request.
//
// Addresses: CF-Connecting-IP, which Cloudflare sets and clients cannot forge. IPv6 addresses are
// counted per /64, because one host usually owns a whole /64 and could rotate through it. Without
// the header (local development, tests) every request shares one key.

export const AUTH_FAILURE_LIMIT = 20;
export const AUTH_FAILURE_WINDOW_MS = 60_000;
/** Bounds memory under a flood from many addresses (the least recently failing are forgotten). */
export const AUTH_THROTTLE_MAX_ADDRESSES = 10_000;
const LOCAL_ADDRESS = "local";

export class AuthFailureThrottle {
  /** Failure times within the window, oldest first, per address; never longer than `limit`. */
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = AUTH_FAILURE_LIMIT,
    private readonly windowMs = AUTH_FAILURE_WINDOW_MS,
    private readonly maxAddresses = AUTH_THROTTLE_MAX_ADDRESSES,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whole seconds until `address` may try an unknown credential again; 0 when it may now. */
  retryAfterSeconds(address: string): number {
    const times = this.failures.get(address);
    if (times === undefined || times.length < this.limit) return 0;
    const freeAt = times[times.length - this.limit]! + this.windowMs;
    const waitMs = freeAt - this.now();
    return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
  }

  /** Counts one unknown-credential attempt (callers check retryAfterSeconds first). */
  recordFailure(address: string): void {
    const now = this.now();
    const times = this.failures.get(address) ?? [];
    while (times.length > 0 && times[0]! <= now - this.windowMs) times.shift();
    times.push(now);
    if (times.length > this.limit) times.shift();
    // Re-inserting keeps the map in least-recently-failed order for eviction.
    this.failures.delete(address);
    if (this.failures.size >= this.maxAddresses) this.failures.delete(this.failures.keys().next().value!);
    this.failures.set(address, times);
  }

  /** Addresses currently tracked (bounded by maxAddresses). */
  get size(): number {
    return this.failures.size;
  }

  clear(): void {
    this.failures.clear();
  }
}

/** The throttling key of a request: its client address, IPv6 reduced to the /64 prefix. */
export function clientAddress(headers: Headers): string {
  const ip = headers.get("CF-Connecting-IP");
  if (ip === null || ip === "") return LOCAL_ADDRESS;
  // An IPv4-mapped IPv6 address ("::ffff:192.0.2.1") names one IPv4 host: keep it whole.
  return ip.includes(":") && !ip.includes(".") ? ipv6Prefix64(ip) : ip;
}

/** The first four groups of an IPv6 address, expanded and normalised ("2001:db8:0:0"). */
export function ipv6Prefix64(ip: string): string {
  const [head = "", tail] = ip.toLowerCase().split("::", 2);
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = tail === undefined || tail === "" ? [] : tail.split(":");
  const missing = Math.max(0, 8 - headGroups.length - tailGroups.length);
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill("0"), ...tailGroups];
  return groups.slice(0, 4).map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16).toString(16) : g)).join(":");
}

/** The isolate's throttle: module state lives as long as the isolate. */
export const authFailureThrottle = new AuthFailureThrottle();
