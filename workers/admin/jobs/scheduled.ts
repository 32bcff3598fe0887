// The Worker's cron handler (wrangler.toml [triggers], every minute): periodic housekeeping and
// analysis that belongs to no single environment Durable Object. Each job is one module exporting
// a `ScheduledJob`; add it to JOBS. Jobs run independently: one failing never stops the others.
import type { Env } from "../../env";
import { analyticsRetentionJob } from "./analytics-retention";
import { autoApprovalJob } from "./auto-approval";
import { housekeepingJob } from "./housekeeping";
import { canaryGatesJob } from "./canary-gates";
import { notificationsJob } from "./notifications";

export interface ScheduledJob {
  /** Stable name, for logs. */
  name: string;
  run(env: Env, now: Date): Promise<void>;
}

const JOBS: ScheduledJob[] = [
  analyticsRetentionJob,
  canaryGatesJob,
  notificationsJob,
  housekeepingJob,
  autoApprovalJob,
];

export async function runScheduledJobs(env: Env, now: Date, jobs: ScheduledJob[] = JOBS): Promise<{ failed: string[] }> {
  const settled = await Promise.allSettled(jobs.map((job) => job.run(env, now)));
  const failed: string[] = [];
  settled.forEach((result, i) => {
    if (result.status === "rejected") {
      failed.push(jobs[i]!.name);
      console.error(`scheduled job ${jobs[i]!.name} failed`, result.reason);
    }
  });
  return { failed };
}
