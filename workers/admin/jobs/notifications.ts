// Cron job: sends the notification outbox's due rows (first attempts that had no waitUntil, e.g.
// a kill-switch rollback run by an alarm, and retries after backoff). Claims make it safe to run
// beside the post-commit attempts and other cron runs.
import { controlDeps } from "../core/deps";
import { deliverDue } from "../notifications/delivery";
import type { Env } from "../../env";
import type { ScheduledJob } from "./scheduled";

export const notificationsJob: ScheduledJob = {
  name: "notifications",
  async run(env: Env, now: Date): Promise<void> {
    await deliverDue(controlDeps(env, { now: () => now }), { now });
  },
};
