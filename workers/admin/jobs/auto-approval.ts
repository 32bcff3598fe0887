// Every minute: approves (and applies) pending requests whose policy's autoApproveAfterHours has
// elapsed (workers/admin/workflow/auto-approval.ts).
import { autoApproveDue } from "../workflow/auto-approval";
import { controlDeps } from "../core/deps";
import type { ScheduledJob } from "./scheduled";

export const autoApprovalJob: ScheduledJob = {
  name: "auto-approval",
  async run(env, now) {
    const outcomes = await autoApproveDue(controlDeps(env, { now: () => now }));
    if (outcomes.length) console.log("auto-approval", outcomes);
  },
};
