// The client credentials of one environment as the evaluation Worker reads them from KV, and the
// diff between what an environment last wrote and what D1 now says.
import { and, eq, inArray, ne } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { clients } from "../db/schema";
import type { ClientRecord } from "../protocol/delivery";

type Db = DrizzleD1Database<Record<string, unknown>>;

/** D1 binds at most 100 parameters per statement. */
const MAX_IN_LIST = 90;

/** Every client of the environment, enabled or not (a disabled record makes the Worker refuse it). */
export async function loadClientRecords(db: Db, environmentId: string): Promise<ClientRecord[]> {
  const rows = await db.select().from(clients).where(eq(clients.environmentId, environmentId)).orderBy(clients.secretHash);
  return rows.map((c) => ({
    clientId: c.id, secretHash: c.secretHash, teamId: c.teamId, environmentId: c.environmentId,
    kind: c.kind, enabled: c.enabled, origins: c.webOrigins,
  }));
}

export interface ClientRecordDiff {
  /** Records to (re)write, with their JSON. */
  put: { secretHash: string; json: string }[];
  /** Secret hashes this environment wrote before and D1 no longer lists for it. */
  stale: string[];
}

/** Pure: compares the last written JSON per secret hash with the current records. */
export function diffClientRecords(previous: ReadonlyMap<string, string>, current: readonly ClientRecord[]): ClientRecordDiff {
  const currentHashes = new Set(current.map((r) => r.secretHash));
  const put = current
    .map((record) => ({ secretHash: record.secretHash, json: JSON.stringify(record) }))
    .filter(({ secretHash, json }) => previous.get(secretHash) !== json);
  const stale = [...previous.keys()].filter((hash) => !currentHashes.has(hash));
  return { put, stale };
}

/**
 * Of `hashes`, those D1 now assigns to another environment. Their KV record belongs to that
 * environment's object, so this one must not delete it, whichever object publishes first.
 */
export async function hashesOwnedElsewhere(db: Db, hashes: readonly string[], environmentId: string): Promise<Set<string>> {
  const owned = new Set<string>();
  for (let i = 0; i < hashes.length; i += MAX_IN_LIST) {
    const rows = await db.select({ secretHash: clients.secretHash }).from(clients)
      .where(and(inArray(clients.secretHash, hashes.slice(i, i + MAX_IN_LIST)), ne(clients.environmentId, environmentId)));
    for (const row of rows) owned.add(row.secretHash);
  }
  return owned;
}
