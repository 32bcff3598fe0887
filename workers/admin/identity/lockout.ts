// Login lockout per (client address, login) pair, OWASP ASVS 2.2.1 style: after LOCK_THRESHOLD
// consecutive failures for a login from one address, that address may not try that login for one
// minute, and every further failure doubles the lock, up to one hour; a success resets the pair.
// The login is the name as typed (normalised), known or not, so the answers never tell which
// logins exist; and the lock binds the attacker's address only, so nobody can lock an owner out
// of their account from elsewhere (the per-user lock it replaces could; users.failed_login_count
// and locked_until are no longer used). Spraying many logins from one address is bounded by
// login-throttle.ts.
//
// In-isolate memory, like login-throttle.ts and for the same reasons (no I/O on the failure path;
// approximate per isolate, where an attacker spread over isolates gets proportionally more tries).
// Bounded: the least recently failing pairs are forgotten beyond MAX_PAIRS.
import type { ControlDeps } from "../core/deps";
import { rateLimited } from "../core/errors";

export const LOCK_THRESHOLD = 5;
export const FIRST_LOCK_MS = 60_000;
export const MAX_LOCK_MS = 60 * 60_000;
export const MAX_PAIRS = 10_000;

/** The lock after `failures` consecutive failures (0 below the threshold). */
export function lockDurationMs(failures: number): number {
  if (failures < LOCK_THRESHOLD) return 0;
  return Math.min(FIRST_LOCK_MS * 2 ** Math.min(failures - LOCK_THRESHOLD, 12), MAX_LOCK_MS);
}

interface PairState {
  failures: number;
  lockedUntil: number;
}

const CACHE_KEY = "login-lockout";

/** The isolate's pair states for this deps' database (tests' databases never share them). */
function pairs(deps: ControlDeps): Map<string, PairState> {
  let map = deps.isolateCache.get(CACHE_KEY) as Map<string, PairState> | undefined;
  if (!map) deps.isolateCache.set(CACHE_KEY, (map = new Map()));
  return map;
}

const keyOf = (clientAddress: string, login: string) => `${clientAddress}\n${login}`;

/** RATE_LIMITED while this address is locked out of this login. */
export function assertNotLocked(deps: ControlDeps, clientAddress: string, login: string): void {
  const lockedUntil = pairs(deps).get(keyOf(clientAddress, login))?.lockedUntil ?? 0;
  if (lockedUntil > deps.now().getTime()) {
    throw rateLimited(new Date(lockedUntil), "Too many failed logins for this login from this address");
  }
}

/** Counts a failure of this login from this address. */
export function recordFailure(deps: ControlDeps, clientAddress: string, login: string): void {
  const map = pairs(deps);
  const key = keyOf(clientAddress, login);
  const failures = (map.get(key)?.failures ?? 0) + 1;
  const lock = lockDurationMs(failures);
  // Re-inserting keeps the map in least-recently-failed order for eviction.
  map.delete(key);
  if (map.size >= MAX_PAIRS) map.delete(map.keys().next().value!);
  map.set(key, { failures, lockedUntil: lock > 0 ? deps.now().getTime() + lock : 0 });
}

/** A success: the pair starts afresh. */
export function resetFailures(deps: ControlDeps, clientAddress: string, login: string): void {
  pairs(deps).delete(keyOf(clientAddress, login));
}
