// rolloutMetrics.averageTimeInPipeline through /graphql, over fixed-time audit rows: which features
// completed their pipeline in the 30-day window (first deploy of their last stage), and the mean time
// from their first deploy request or deploy anywhere to that completion.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_TEAM_ID, demoStageId, type DemoEnvironmentKey, type DemoFeatureKey } from "../../../db/seed/demo-data";
import { as, ok, pristine } from "./support/config";

const METRICS = `query($team: ID!, $now: DateTime) { rolloutMetrics(teamId: $team, now: $now) { averageTimeInPipeline pipelineCompletions } }`;
const NOW = Date.parse("2026-06-15T12:00:00.000Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let rows = 0;
const audit = (feature: DemoFeatureKey, environment: DemoEnvironmentKey, action: "stage.deploy" | "stage.request_deploy", at: number) =>
  env.DB.prepare(
    "INSERT INTO audit_log (id, team_id, actor_id, actor_name, action, entity_type, entity_id, diff, created_at) VALUES (?, ?, NULL, 'test', ?, 'feature_stage', ?, '{}', ?)",
  ).bind(`pipeline-${++rows}`, DEMO_TEAM_ID, action, demoStageId(feature, environment), at);
const metricsAt = async (now: number) => ok(await as("viewer", METRICS, { team: DEMO_TEAM_ID, now: new Date(now).toISOString() })).rolloutMetrics;

beforeEach(pristine);

describe("averageTimeInPipeline", () => {
  it("is null with no completions", async () => {
    expect(await metricsAt(NOW)).toEqual({ averageTimeInPipeline: null, pipelineCompletions: 0 });
  });

  it("averages first request (or deploy) to the first last-stage deploy over features completed in the window", async () => {
    await env.DB.batch([
      // 5 days: requested in development, deployed through staging to production.
      audit("BetaUsers", "development", "stage.request_deploy", NOW - 10 * DAY),
      audit("BetaUsers", "development", "stage.deploy", NOW - 9 * DAY),
      audit("BetaUsers", "staging", "stage.deploy", NOW - 8 * DAY),
      audit("BetaUsers", "production", "stage.deploy", NOW - 5 * DAY),
      // 39 days: started before the window, completed in it.
      audit("dark_mode", "development", "stage.deploy", NOW - 40 * DAY),
      audit("dark_mode", "production", "stage.deploy", NOW - 1 * DAY),
      // 12 hours: the FIRST last-stage deploy in the window counts, a redeploy does not.
      audit("new_checkout_flow", "development", "stage.request_deploy", NOW - 3 * DAY - 12 * HOUR),
      audit("new_checkout_flow", "production", "stage.deploy", NOW - 3 * DAY),
      audit("new_checkout_flow", "production", "stage.deploy", NOW - 1 * DAY),
      // Not counted: completed before the window; not completed; completed at now (windows end before now).
      audit("max_upload_mb", "development", "stage.deploy", NOW - 35 * DAY),
      audit("max_upload_mb", "production", "stage.deploy", NOW - 31 * DAY),
      audit("homepage_layout", "development", "stage.request_deploy", NOW - 2 * DAY),
      audit("homepage_layout", "staging", "stage.deploy", NOW - 1 * DAY),
      audit("legacy_search", "development", "stage.deploy", NOW - 1 * DAY),
      audit("legacy_search", "production", "stage.deploy", NOW),
    ]);
    expect(await metricsAt(NOW)).toEqual({ averageTimeInPipeline: (120 + 936 + 12) / 3, pipelineCompletions: 3 });
    // 20 days earlier only max_upload_mb had completed (4 days, 11 days before that now).
    expect(await metricsAt(NOW - 20 * DAY)).toEqual({ averageTimeInPipeline: 96, pipelineCompletions: 1 });
    // A minute later legacy_search completed too: 1 day.
    expect(await metricsAt(NOW + 60_000)).toEqual({ averageTimeInPipeline: (120 + 936 + 12 + 24) / 4, pipelineCompletions: 4 });
  });
});
