// Analytics retention (every cron run; cheap when nothing is due): the D1 rollups, tracked metric
// events and canary results are kept for RETENTION_DAYS, like Analytics Engine's own three months;
// the ids of applied count batches (rollup_batches, the exactly-once guard of the environment
// objects' flushes, which retry within seconds) for BATCH_ID_RETENTION_DAYS.
// One batch of four indexed range deletes.
import { epochMinute } from "../../evaluation/analytics/counts";
import type { ScheduledJob } from "./scheduled";

export const RETENTION_DAYS = 90;
export const BATCH_ID_RETENTION_DAYS = 7;
const DAY_MS = 24 * 60 * 60_000;

export async function deleteExpiredAnalytics(db: D1Database, now: Date): Promise<{ rollups: number; events: number; canaryResults: number; batchIds: number }> {
  const cutoff = now.getTime() - RETENTION_DAYS * DAY_MS;
  const [rollups, events, canaryResults, batchIds] = await db.batch([
    db.prepare("DELETE FROM evaluation_rollups WHERE minute < ?1").bind(epochMinute(cutoff)),
    db.prepare("DELETE FROM metric_events WHERE occurred_at < ?1").bind(cutoff),
    db.prepare("DELETE FROM canary_results WHERE analyzed_at < ?1").bind(cutoff),
    db.prepare("DELETE FROM rollup_batches WHERE applied_at < ?1").bind(now.getTime() - BATCH_ID_RETENTION_DAYS * DAY_MS),
  ]);
  return {
    rollups: rollups!.meta.changes, events: events!.meta.changes, canaryResults: canaryResults!.meta.changes, batchIds: batchIds!.meta.changes,
  };
}

export const analyticsRetentionJob: ScheduledJob = {
  name: "analytics-retention",
  async run(env, now) {
    await deleteExpiredAnalytics(env.DB, now);
  },
};
