// Canary gates over the real Worker, D1 and environment objects: configuration and roles, the
// verdicts (inconclusive / passed / failed, direction-aware), the cron job, and a failing gate with
// auto rollback engaging the kill switch so that OFREP serves the flag DISABLED.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_FEATURE_IDS, DEMO_TEAM_ID } from "../../../db/seed/demo-data";
import { judgeCanary, regressionPct } from "../../../workers/admin/insights/analytics/canary-analysis";
import { controlDeps } from "../../../workers/admin/core/deps";
import { runCanaryGates } from "../../../workers/admin/jobs/canary-gates";
import { call, ofrep } from "../api-support";
import { freshStart, tokenOf } from "../control/support/actors";
import { codes, gql, ok } from "../control/support/graphql";

const DEV = DEMO_ENVIRONMENT_IDS.development;
const GATE_FIELDS = "id metric { key } baselineVariant canaryVariant direction thresholdPct minSampleSize windowMinutes autoRollbackOnFail rollbackInMinutes enabled";
const RESULT_FIELDS = "outcome passed reason baselineSampleSize canarySampleSize baselineValue canaryValue regressionPct rollbackTriggered rollbackError trigger";
const CREATE = `mutation($input: CreateCanaryGateInput!) { createCanaryGate(input: $input) { ${GATE_FIELDS} } }`;
const ANALYZE = `mutation($id: ID!, $force: Boolean) { analyzeCanaryGate(id: $id, forceRollback: $force) { ${RESULT_FIELDS} } }`;

let admin: string;
const gateInput = (overrides: Record<string, unknown>) => ({
  featureId: DEMO_FEATURE_IDS.checkout_button_text, environmentId: DEV, metricKey: "purchase", baselineVariant: "control", canaryVariant: "variant-a",
  direction: "higher_is_better", thresholdPct: 10, minSampleSize: 50, windowMinutes: 60, ...overrides,
});

async function track(metric: string, flag: string, variant: string, users: number, converted: number, prefix = "") {
  const events = Array.from({ length: users }, (_, i) => ({ metric, flag, variant, targetingKey: `${prefix}${metric}-${variant}-${i}`, value: i < converted ? 1 : 0 }));
  expect((await call("/v1/track", { body: { events } })).status).toBe(202);
}

beforeAll(async () => {
  await freshStart();
  admin = await tokenOf("teamadmin");
  for (const [key, type] of [["purchase", "conversion"], ["purchase_b", "conversion"], ["load_time", "duration"]]) {
    ok(await gql(`mutation($i: CreateMetricInput!) { createMetric(input: $i) { id } }`, { i: { teamId: DEMO_TEAM_ID, key, name: key, type } }, admin));
  }
});

describe("the verdict", () => {
  it("computes regression direction-aware and clamps improvements to 0", () => {
    expect(regressionPct("higher_is_better", 0.2, 0.1)).toBe(50);
    expect(regressionPct("higher_is_better", 0.2, 0.3)).toBe(0);
    expect(regressionPct("lower_is_better", 10, 12)).toBe(20);
    expect(regressionPct("lower_is_better", 10, 8)).toBe(0);
    expect(regressionPct("lower_is_better", 0, 1)).toBe(100);
  });

  it("fails only over the threshold and is inconclusive below the minimum sample on either side", () => {
    const rule = { metricType: "numeric" as const, direction: "higher_is_better" as const, thresholdPct: 10, minSampleSize: 5 };
    expect(judgeCanary(rule, { n: 5, conversions: 0, sum: 50 }, { n: 5, conversions: 0, sum: 45 })).toMatchObject({ outcome: "passed", regressionPct: 10 });
    expect(judgeCanary(rule, { n: 5, conversions: 0, sum: 50 }, { n: 5, conversions: 0, sum: 44 })).toMatchObject({ outcome: "failed" });
    expect(judgeCanary(rule, { n: 5, conversions: 0, sum: 50 }, { n: 4, conversions: 0, sum: 4 })).toEqual({
      outcome: "inconclusive", baselineValue: 10, canaryValue: 1, regressionPct: null,
      reason: "Not enough samples: baseline 5, canary 4; at least 5 each are needed",
    });
  });
});

describe("gates through /graphql", () => {
  let gateId: string;

  it("lets team admins create a gate and members read it; others get NOT_FOUND, non-admins FORBIDDEN", async () => {
    const gate = ok(await gql(CREATE, { input: gateInput({}) }, admin)).createCanaryGate;
    gateId = gate.id;
    expect(gate).toMatchObject({ metric: { key: "purchase" }, direction: "higher_is_better", thresholdPct: 10, autoRollbackOnFail: false, rollbackInMinutes: null, enabled: true });
    const list = ok(await gql(`query($f: ID!) { canaryGates(featureId: $f) { id } }`, { f: DEMO_FEATURE_IDS.checkout_button_text }, await tokenOf("viewer")));
    expect(list.canaryGates).toEqual([{ id: gateId }]);
    expect(codes(await gql(`query($id: ID!) { canaryGate(id: $id) { id } }`, { id: gateId }, await tokenOf("outsider")))).toEqual(["NOT_FOUND"]);
    expect(codes(await gql(ANALYZE, { id: gateId }, await tokenOf("viewer")))).toEqual(["FORBIDDEN"]);
    expect(codes(await gql(CREATE, { input: gateInput({ metricKey: "purchase_b" }) }, await tokenOf("approver")))).toEqual(["FORBIDDEN"]);
    expect(codes(await gql(CREATE, { input: gateInput({}) }, admin))).toEqual(["CONFLICT"]);
  });

  it("refuses unknown variants, equal variants, unknown metrics and bad thresholds", async () => {
    const fieldOf = async (overrides: Record<string, unknown>) => (await gql(CREATE, { input: gateInput({ metricKey: "purchase_b", ...overrides }) }, admin)).errors?.[0]?.extensions?.field;
    expect(await fieldOf({ canaryVariant: "variant-z" })).toBe("input.canaryVariant");
    expect(await fieldOf({ canaryVariant: "control" })).toBe("input.canaryVariant");
    expect(await fieldOf({ metricKey: "nope" })).toBe("input.metricKey");
    expect(await fieldOf({ thresholdPct: 0 })).toBe("input.thresholdPct");
  });

  it("is inconclusive below the minimum sample, then passes within the threshold", async () => {
    await track("purchase", "checkout_button_text", "control", 10, 2);
    await track("purchase", "checkout_button_text", "variant-a", 10, 2);
    expect(ok(await gql(ANALYZE, { id: gateId }, admin)).analyzeCanaryGate).toEqual({
      outcome: "inconclusive", passed: false, reason: "Not enough samples: baseline 10, canary 10; at least 50 each are needed",
      baselineSampleSize: 10, canarySampleSize: 10, baselineValue: 0.2, canaryValue: 0.2, regressionPct: null,
      rollbackTriggered: false, rollbackError: null, trigger: "manual",
    });
    await track("purchase", "checkout_button_text", "control", 100, 20, "more-");
    await track("purchase", "checkout_button_text", "variant-a", 100, 19, "more-");
    const passed = ok(await gql(ANALYZE, { id: gateId }, admin)).analyzeCanaryGate;
    // baseline 22/110 = 0.2, canary 21/110: 4.545...% worse.
    expect(passed).toMatchObject({ outcome: "passed", passed: true, baselineSampleSize: 110, canarySampleSize: 110, rollbackTriggered: false });
    expect(passed.regressionPct).toBeCloseTo(100 / 22, 9);
    expect(passed.reason).toBe("Canary regression 4.55% is within the 10% threshold");
  });

  it("fails without rolling back when auto rollback is off, and records every analysis", async () => {
    ok(await gql(`mutation($i: UpdateCanaryGateInput!) { updateCanaryGate(input: $i) { thresholdPct } }`, { i: { id: gateId, thresholdPct: 2 } }, admin));
    const failed = ok(await gql(ANALYZE, { id: gateId }, admin)).analyzeCanaryGate;
    expect(failed).toMatchObject({ outcome: "failed", rollbackTriggered: false, rollbackError: null });
    expect(failed.reason).toBe("Canary regressed 4.55% against the baseline, over the 2% threshold");
    const results = ok(await gql(`query($id: ID!) { canaryResults(gateId: $id) { outcome } }`, { id: gateId }, await tokenOf("viewer"))).canaryResults;
    expect(results.map((r: { outcome: string }) => r.outcome)).toEqual(["failed", "passed", "inconclusive"]);
    const feature = ok(await gql(`query($id: ID!) { feature(id: $id) { killSwitchEnabled } }`, { id: DEMO_FEATURE_IDS.checkout_button_text }, admin));
    expect(feature.feature.killSwitchEnabled).toBe(false);
  });

  it("measures a lower-is-better metric's regression on means", async () => {
    const gate = ok(await gql(CREATE, { input: gateInput({ metricKey: "load_time", direction: "lower_is_better", thresholdPct: 15, minSampleSize: 2 }) }, admin)).createCanaryGate;
    const events = [["control", 10], ["control", 10], ["variant-a", 12], ["variant-a", 12]].map(([variant, value], i) =>
      ({ metric: "load_time", flag: "checkout_button_text", variant, targetingKey: `lt-${i}`, value }));
    expect((await call("/v1/track", { body: { events } })).status).toBe(202);
    expect(ok(await gql(ANALYZE, { id: gate.id }, admin)).analyzeCanaryGate).toMatchObject({
      outcome: "failed", baselineValue: 10, canaryValue: 12, regressionPct: 20,
    });
    ok(await gql(`mutation($id: ID!) { deleteCanaryGate(id: $id) { id } }`, { id: gate.id }, admin));
  });
});

describe("automatic rollback", () => {
  it("analyses enabled gates every minute and engages the kill switch on failure: OFREP then serves DISABLED", async () => {
    const gate = ok(await gql(CREATE, { input: gateInput({
      featureId: DEMO_FEATURE_IDS.dark_mode, metricKey: "purchase_b", baselineVariant: "off", canaryVariant: "on",
      autoRollbackOnFail: true, rollbackInMinutes: 30, minSampleSize: 100,
    }) }, admin)).createCanaryGate;
    ok(await gql(`mutation($i: UpdateCanaryGateInput!) { updateCanaryGate(input: $i) { enabled } }`,
      { i: { id: (await firstGateId()), enabled: false } }, admin));
    await track("purchase_b", "dark_mode", "off", 100, 20);
    await track("purchase_b", "dark_mode", "on", 100, 10);
    const before = await ofrep("dark_mode", { targetingKey: "u-1" });
    expect(before.json.reason).not.toBe("DISABLED");

    const run = await runCanaryGates(controlDeps(env));
    expect(run).toEqual({ analyzed: 1, failed: [] });
    const [result] = ok(await gql(`query($id: ID!) { canaryResults(gateId: $id) { ${RESULT_FIELDS} } }`, { id: gate.id }, admin)).canaryResults;
    expect(result).toMatchObject({
      outcome: "failed", baselineValue: 0.2, canaryValue: 0.1, regressionPct: 50, rollbackTriggered: true, rollbackError: null, trigger: "scheduled",
    });
    const feature = ok(await gql(`query($id: ID!) { feature(id: $id) { killSwitchEnabled killSwitchReason rollbackScheduledAt } }`, { id: DEMO_FEATURE_IDS.dark_mode }, admin)).feature;
    expect(feature.killSwitchEnabled).toBe(true);
    expect(feature.killSwitchReason).toBe(`Canary gate failed in environment ${DEV}: Canary regressed 50% against the baseline, over the 10% threshold`);
    expect(Date.parse(feature.rollbackScheduledAt) - Date.now()).toBeGreaterThan(29 * 60_000);
    let served = await ofrep("dark_mode", { targetingKey: "u-1" });
    for (let i = 0; i < 60 && served.json.reason !== "DISABLED"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      served = await ofrep("dark_mode", { targetingKey: "u-1" });
    }
    expect(served.json).toMatchObject({ key: "dark_mode", reason: "DISABLED", value: false });

    // The next run skips the killed feature's gate: no second rollback, no new result.
    expect(await runCanaryGates(controlDeps(env))).toEqual({ analyzed: 0, failed: [] });
  });
});

async function firstGateId(): Promise<string> {
  const list = ok(await gql(`query($f: ID!) { canaryGates(featureId: $f) { id } }`, { f: DEMO_FEATURE_IDS.checkout_button_text }, admin));
  return list.canaryGates[0].id;
}
