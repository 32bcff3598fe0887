// Login throttling per user: after LOCK_THRESHOLD consecutive failures the account is locked for
// one minute, and every further failure doubles the lock, up to one hour. A success resets it.
// The counter moves in one conditional UPDATE, so concurrent failures all count.
import { eq, sql } from "drizzle-orm";
import { users } from "../../../db/schema";
import type { ControlDeps } from "../core/deps";
import { rateLimited } from "../core/errors";

export const LOCK_THRESHOLD = 5;
export const FIRST_LOCK_MS = 60_000;
export const MAX_LOCK_MS = 60 * 60_000;

/** The lock after `failures` consecutive failures (0 below the threshold). */
export function lockDurationMs(failures: number): number {
  if (failures < LOCK_THRESHOLD) return 0;
  return Math.min(FIRST_LOCK_MS * 2 ** Math.min(failures - LOCK_THRESHOLD, 12), MAX_LOCK_MS);
}

/** RATE_LIMITED while the user is locked. */
export function assertNotLocked(deps: ControlDeps, lockedUntil: Date | null): void {
  if (lockedUntil && lockedUntil > deps.now()) throw rateLimited(lockedUntil, "Too many failed attempts; the account is locked");
}

/** Counts a failure; returns the lock it caused, if any. */
export async function recordFailure(deps: ControlDeps, userId: string): Promise<Date | null> {
  const now = deps.now().getTime();
  // SQLite evaluates every SET expression against the row before the update.
  const [row] = await deps.db.update(users).set({
    failedLoginCount: sql`${users.failedLoginCount} + 1`,
    lockedUntil: sql`CASE WHEN ${users.failedLoginCount} + 1 >= ${LOCK_THRESHOLD}
      THEN ${now} + min(${FIRST_LOCK_MS} << min(${users.failedLoginCount} + 1 - ${LOCK_THRESHOLD}, 12), ${MAX_LOCK_MS})
      ELSE ${users.lockedUntil} END`,
  }).where(eq(users.id, userId)).returning({ lockedUntil: users.lockedUntil });
  return row?.lockedUntil && row.lockedUntil.getTime() > now ? row.lockedUntil : null;
}

/** A statement resetting the counter (part of a successful login's batch). */
export function resetFailures(deps: ControlDeps, userId: string) {
  return deps.db.update(users).set({ failedLoginCount: 0, lockedUntil: null }).where(eq(users.id, userId));
}
