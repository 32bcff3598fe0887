// Purging credentials that can no longer do anything, run hourly by the cron job
// (workers/admin/jobs/housekeeping.ts):
// - Refresh tokens, by family (a login's session): a family is deleted, all its rows at once, when
//   every row of it ended more than REFRESH_GRACE_MS ago (revoked, or expired). Spent rows (replaced
//   at a refresh) are kept while their family lives: presenting one again is how reuse is detected
//   (the whole family is then revoked), so deleting them early would let a stolen token family live.
// - Signing keys: a retired key is deleted once its retire_after has passed, i.e. once every access
//   token it signed has expired (rotation sets it to the access-token lifetime plus the isolates'
//   key-cache time). The active key is never touched.
import { and, eq, lt, sql } from "drizzle-orm";
import { refreshTokens, signingKeys } from "../../../db/schema";
import type { ControlDeps } from "../core/deps";

/** How long ended refresh-token families stay (for investigating a session after the fact). */
export const REFRESH_GRACE_MS = 7 * 24 * 3_600_000;

export interface PurgeResult {
  refreshTokens: number;
  signingKeys: number;
}

export async function purgeSpentCredentials(deps: ControlDeps, now: Date, graceMs = REFRESH_GRACE_MS): Promise<PurgeResult> {
  const { db } = deps;
  const cutoff = now.getTime() - graceMs;
  const [tokens, keys] = await db.batch([
    db.delete(refreshTokens).where(sql`${refreshTokens.familyId} IN (
      SELECT family_id FROM refresh_tokens GROUP BY family_id
      HAVING SUM(CASE WHEN (revoked_at IS NOT NULL AND revoked_at < ${cutoff}) OR expires_at < ${cutoff} THEN 0 ELSE 1 END) = 0
    )`).returning({ id: refreshTokens.id }),
    db.delete(signingKeys).where(and(eq(signingKeys.status, "retired"), lt(signingKeys.retireAfter, now))).returning({ kid: signingKeys.kid }),
  ]);
  return { refreshTokens: tokens.length, signingKeys: keys.length };
}
