// The analytics retention job deletes rollups, metric events and canary results older than 90 days
// and keeps everything younger, to the minute; applied count batch ids go after 7 days.
import { env } from "cloudflare:workers";
import { beforeAll, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_FEATURE_IDS, DEMO_TEAM_ID } from "../../../db/seed/demo-data";
import { runScheduledJobs } from "../../../workers/admin/jobs/scheduled";
import { analyticsRetentionJob } from "../../../workers/admin/jobs/analytics-retention";
import { reseedDemo } from "../support/seed-demo";

const DEV = DEMO_ENVIRONMENT_IDS.development;
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const DAY = 86_400_000;
const cutoffMinute = (NOW - 90 * DAY) / 60_000;

beforeAll(async () => {
  await reseedDemo(env);
  const rollup = env.DB.prepare("INSERT INTO evaluation_rollups (environment_id, minute, flag_key, variant, reason, count) VALUES (?1, ?2, 'dark_mode', 'on', 'SPLIT', 1)");
  const event = env.DB.prepare(`INSERT INTO metric_events (metric_id, environment_id, flag_key, variant, targeting_key, value, converted, occurred_at)
    VALUES ('m1', ?1, 'dark_mode', 'on', ?2, 1, NULL, ?3)`);
  const result = env.DB.prepare(`INSERT INTO canary_results (id, gate_id, analyzed_at, outcome, reason, baseline_sample_size, canary_sample_size, trigger)
    VALUES (?1, 'g1', ?2, 'passed', 'ok', 0, 0, 'scheduled')`);
  await env.DB.batch([
    env.DB.prepare("PRAGMA defer_foreign_keys = on"),
    env.DB.prepare("INSERT INTO metrics (id, team_id, key, name, type, created_at, updated_at) VALUES ('m1', ?1, 'm', 'm', 'numeric', 0, 0)").bind(DEMO_TEAM_ID),
    env.DB.prepare(`INSERT INTO canary_gates (id, team_id, feature_id, environment_id, metric_id, baseline_variant, canary_variant, direction,
      threshold_pct, min_sample_size, window_minutes, created_at, updated_at) VALUES ('g1', ?1, ?2, ?3, 'm1', 'off', 'on', 'higher_is_better', 5, 10, 60, 0, 0)`)
      .bind(DEMO_TEAM_ID, DEMO_FEATURE_IDS.dark_mode, DEV),
    rollup.bind(DEV, cutoffMinute - 1), rollup.bind(DEV, cutoffMinute), rollup.bind(DEV, cutoffMinute + 10),
    event.bind(DEV, "old", NOW - 90 * DAY - 1), event.bind(DEV, "kept", NOW - 90 * DAY),
    result.bind("r-old", NOW - 91 * DAY), result.bind("r-kept", NOW - DAY),
    env.DB.prepare("INSERT INTO rollup_batches (id, applied_at) VALUES ('b-old', ?1), ('b-kept', ?2)").bind(NOW - 7 * DAY - 1, NOW - 7 * DAY),
  ]);
});

it("keeps exactly the last 90 days of rollups, metric events and canary results", async () => {
  expect(await runScheduledJobs(env, new Date(NOW), [analyticsRetentionJob])).toEqual({ failed: [] });
  const minutes = await env.DB.prepare("SELECT minute FROM evaluation_rollups ORDER BY minute").all<{ minute: number }>();
  expect(minutes.results.map((r) => r.minute)).toEqual([cutoffMinute, cutoffMinute + 10]);
  const users = await env.DB.prepare("SELECT targeting_key FROM metric_events").all<{ targeting_key: string }>();
  expect(users.results.map((r) => r.targeting_key)).toEqual(["kept"]);
  const results = await env.DB.prepare("SELECT id FROM canary_results").all<{ id: string }>();
  expect(results.results.map((r) => r.id)).toEqual(["r-kept"]);
});

it("forgets applied count batch ids after 7 days (flushes retry within seconds)", async () => {
  expect(await runScheduledJobs(env, new Date(NOW), [analyticsRetentionJob])).toEqual({ failed: [] });
  const ids = await env.DB.prepare("SELECT id FROM rollup_batches ORDER BY id").all<{ id: string }>();
  expect(ids.results.map((r) => r.id)).toEqual(["b-kept"]);
});
