// Hourly (at minute HOUSEKEEPING_MINUTE of every hour): purges refresh-token families that ended
// more than a week ago and retired signing keys whose tokens have all expired
// (workers/admin/identity/housekeeping.ts).
import { controlDeps } from "../core/deps";
import { purgeSpentCredentials } from "../identity/housekeeping";
import type { ScheduledJob } from "./scheduled";

export const HOUSEKEEPING_MINUTE = 7;

export const housekeepingJob: ScheduledJob = {
  name: "housekeeping",
  async run(env, now) {
    if (now.getUTCMinutes() !== HOUSEKEEPING_MINUTE) return;
    const purged = await purgeSpentCredentials(controlDeps(env, { now: () => now }), now);
    if (purged.refreshTokens || purged.signingKeys) console.log("housekeeping purged", purged);
  },
};
