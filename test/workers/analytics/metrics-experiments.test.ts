// Team metrics, POST /v1/track and experimentResults over the real Worker and D1: conversions are
// deduplicated per user, statistics match hand-computed values (Python, math.erf), and the
// sample-ratio check compares against the CONFIGURED split weights.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_FEATURE_IDS, DEMO_SECRETS, DEMO_TEAM_ID, demoRuleId } from "../../../db/seed/demo-data";
import { call } from "../api-support";
import { freshStart, tokenOf } from "../control/support/actors";
import { codes, gql, ok } from "../control/support/graphql";

const { development: DEV, staging: STAGING } = DEMO_ENVIRONMENT_IDS;
const FEATURE = DEMO_FEATURE_IDS.checkout_button_text;

const CREATE = `mutation($input: CreateMetricInput!) { createMetric(input: $input) { id key type unit } }`;
const EXPERIMENT = `query($f: ID!, $e: ID!, $m: [String!]!) { experimentResults(featureId: $f, environmentId: $e, metricKeys: $m, period: PERIOD_24H) {
  featureKey splitWeights { variant weight }
  metrics { metricKey metricType baselineVariant winner statisticallySignificant recommendation warnings
    results { variant sampleSize conversions conversionRate meanValue lift confidence confidenceInterval { lower upper } } } } }`;

type Event = { metric: string; flag?: string; variant: string; targetingKey: string; value?: number; occurredAt?: string };
async function track(events: Event[], secret: string = DEMO_SECRETS.development) {
  for (let i = 0; i < events.length; i += 500) {
    const res = await call("/v1/track", { secret, body: { events: events.slice(i, i + 500).map((e) => ({ flag: "checkout_button_text", ...e })) } });
    expect(res.status).toBe(202);
  }
}
const users = (metric: string, variant: string, count: number, converted: number): Event[] =>
  Array.from({ length: count }, (_, i) => ({ metric, variant, targetingKey: `${metric}-${variant}-${i}`, value: i < converted ? 1 : 0 }));

let admin: string;
beforeAll(async () => {
  await freshStart();
  admin = await tokenOf("teamadmin");
  for (const [key, type] of [["purchase", "conversion"], ["purchase_srm", "conversion"], ["checkout_seconds", "duration"], ["basket_value", "numeric"]]) {
    ok(await gql(CREATE, { input: { teamId: DEMO_TEAM_ID, key, name: key, type, unit: type === "duration" ? "s" : null } }, admin));
  }
});

describe("metrics", () => {
  it("lets team admins create, update and delete metrics and members list them", async () => {
    const created = ok(await gql(CREATE, { input: { teamId: DEMO_TEAM_ID, key: "signup", name: "Sign-up", type: "conversion" } }, admin)).createMetric;
    expect(created).toMatchObject({ key: "signup", type: "conversion", unit: null });
    const updated = ok(await gql(`mutation($i: UpdateMetricInput!) { updateMetric(input: $i) { name unit successCriteria } }`,
      { i: { id: created.id, name: "Sign-ups", unit: "users", successCriteria: { minLift: 0.05 } } }, admin)).updateMetric;
    expect(updated).toEqual({ name: "Sign-ups", unit: "users", successCriteria: { minLift: 0.05 } });
    const list = ok(await gql(`query($t: ID!) { metrics(teamId: $t) { key } }`, { t: DEMO_TEAM_ID }, await tokenOf("viewer"))).metrics;
    expect(list.map((m: { key: string }) => m.key)).toEqual(["basket_value", "checkout_seconds", "purchase", "purchase_srm", "signup"]);
    expect(codes(await gql(CREATE, { input: { teamId: DEMO_TEAM_ID, key: "signup", name: "x", type: "numeric" } }, admin))).toEqual(["CONFLICT"]);
    expect(codes(await gql(CREATE, { input: { teamId: DEMO_TEAM_ID, key: "x", name: "x", type: "numeric" } }, await tokenOf("requester")))).toEqual(["FORBIDDEN"]);
    expect(codes(await gql(`query($id: ID!) { metric(id: $id) { key } }`, { id: created.id }, await tokenOf("outsider")))).toEqual(["NOT_FOUND"]);
    expect(codes(await gql(CREATE, { input: { teamId: DEMO_TEAM_ID, key: "9bad", name: "x", type: "numeric" } }, admin))).toEqual(["BAD_USER_INPUT"]);
    ok(await gql(`mutation($id: ID!) { deleteMetric(id: $id) { id } }`, { id: created.id }, admin));
    expect(codes(await gql(`query($id: ID!) { metric(id: $id) { key } }`, { id: created.id }, admin))).toEqual(["NOT_FOUND"]);
  });
});

describe("POST /v1/track", () => {
  const rowsOf = async (targetingKey: string) =>
    (await env.DB.prepare("SELECT variant, value, converted FROM metric_events WHERE targeting_key = ? ORDER BY id").bind(targetingKey).all()).results;

  it("keeps one row per user and variant for a conversion metric, and a conversion is never undone", async () => {
    await track([
      { metric: "purchase", variant: "control", targetingKey: "dedupe-1", value: 0 },
      { metric: "purchase", variant: "control", targetingKey: "dedupe-1" },
      { metric: "purchase", variant: "control", targetingKey: "dedupe-1", value: 1 },
    ]);
    await track([{ metric: "purchase", variant: "control", targetingKey: "dedupe-1", value: 0 }]);
    expect(await rowsOf("dedupe-1")).toEqual([{ variant: "control", value: 1, converted: 1 }]);
  });

  it("keeps every numeric event, and the same user in another environment separately", async () => {
    await track([
      { metric: "basket_value", variant: "control", targetingKey: "dedupe-2", value: 20 },
      { metric: "basket_value", variant: "control", targetingKey: "dedupe-2", value: 30.5 },
      { metric: "purchase", variant: "control", targetingKey: "dedupe-2" },
    ]);
    await track([{ metric: "purchase", variant: "control", targetingKey: "dedupe-2" }], DEMO_SECRETS.staging);
    expect(await rowsOf("dedupe-2")).toEqual([
      { variant: "control", value: 20, converted: null }, { variant: "control", value: 30.5, converted: null },
      { variant: "control", value: 1, converted: 1 }, { variant: "control", value: 1, converted: 1 },
    ]);
  });

  it.each([
    ["an unknown metric", { metric: "nope", variant: "control", targetingKey: "u" }, "events.0.metric", "events.0.metric: no metric with key nope in this team; create it first"],
    ["a conversion value other than 0/1", { metric: "purchase", variant: "control", targetingKey: "u", value: 2 }, "events.0.value",
      "events.0.value: must be 1 (converted) or 0 (exposed) for a conversion metric"],
    ["a numeric event without a value", { metric: "basket_value", variant: "control", targetingKey: "u" }, "events.0.value", "events.0.value: is required for a numeric metric"],
    ["a negative duration", { metric: "checkout_seconds", variant: "control", targetingKey: "u", value: -1 }, "events.0.value", "events.0.value: must be >= 0 for a duration metric"],
    ["a missing targeting key", { metric: "purchase", variant: "control" }, "events.0.targetingKey", "events.0.targetingKey: must be a non-empty string"],
    ["an old event", { metric: "purchase", variant: "control", targetingKey: "u", occurredAt: "2020-01-01T00:00:00Z" }, "events.0.occurredAt",
      "events.0.occurredAt: is more than 7 days ago; such events are not accepted"],
  ])("refuses %s with 400 INVALID_REQUEST and stores nothing", async (_label, event, path, message) => {
    const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM metric_events").first<{ n: number }>();
    const res = await call("/v1/track", { body: { events: [{ flag: "checkout_button_text", ...event }] } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: { code: "INVALID_REQUEST", message, path } });
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM metric_events").first<{ n: number }>()).toEqual(before);
  });

  it("refuses missing credentials (401), more than 500 events (400) and bodies over 256 KiB (413)", async () => {
    expect((await call("/v1/track", { secret: null, body: { events: [] } })).status).toBe(401);
    const many = Array.from({ length: 501 }, () => ({ metric: "purchase", flag: "f", variant: "v", targetingKey: "u" }));
    expect((await call("/v1/track", { body: { events: many } })).json.error.message).toBe("events: must contain at most 500 entries; split the batch");
    expect((await call("/v1/track", { body: { events: [], pad: "x".repeat(300 * 1024) } })).status).toBe(413);
  });
});

describe("experimentResults", () => {
  it("compares conversion rates with a two-proportion z-test and Wilson intervals (hand-computed)", async () => {
    await track([...users("purchase", "control", 1000, 100), ...users("purchase", "variant-a", 1000, 130)]);
    const result = ok(await gql(EXPERIMENT, { f: FEATURE, e: DEV, m: ["purchase"] }, await tokenOf("viewer"))).experimentResults;
    expect(result.featureKey).toBe("checkout_button_text");
    expect(result.splitWeights).toEqual([{ variant: "control", weight: 50000 }, { variant: "variant-a", weight: 50000 }]);
    const [metric] = result.metrics;
    // 1000 + the dedupe tests' users dedupe-1 and dedupe-2 (both converted) in control.
    const [control, variant] = metric.results;
    expect(control).toMatchObject({ variant: "control", sampleSize: 1002, conversions: 102, lift: null, confidence: null });
    expect(variant).toMatchObject({ variant: "variant-a", sampleSize: 1000, conversions: 130, conversionRate: 0.13 });
    expect(metric).toMatchObject({ baselineVariant: "control", winner: "variant-a", statisticallySignificant: true, warnings: [] });
  });

  it("matches the hand-computed z-test exactly on clean data", async () => {
    await track([...users("purchase_srm", "control", 1000, 100), ...users("purchase_srm", "variant-a", 1000, 130)]);
    const [metric] = ok(await gql(EXPERIMENT, { f: FEATURE, e: DEV, m: ["purchase_srm"] }, admin)).experimentResults.metrics;
    const [control, variant] = metric.results;
    expect(control.conversionRate).toBe(0.1);
    expect(control.confidenceInterval.lower).toBeCloseTo(0.08290944359309571, 9);
    expect(control.confidenceInterval.upper).toBeCloseTo(0.1201519631953484, 9);
    expect(variant.lift).toBeCloseTo(0.3, 12);
    expect(variant.confidence).toBeCloseTo(0.9645115495335252, 6);
    expect(variant.confidenceInterval.lower).toBeCloseTo(0.11056377462484193, 9);
    expect(metric.recommendation).toBe("Roll out variant-a: +30.0% vs control at 96.5% confidence");
  });

  it("inverts the lift of a duration metric (lower is better) and uses Welch's z-test", async () => {
    const durations = (variant: string, low: number, high: number): Event[] => Array.from({ length: 100 }, (_, i) =>
      ({ metric: "checkout_seconds", variant, targetingKey: `d-${variant}-${i}`, value: i % 2 === 0 ? low : high }));
    await track([...durations("control", 10, 12), ...durations("variant-a", 9, 11)]);
    const [metric] = ok(await gql(EXPERIMENT, { f: FEATURE, e: DEV, m: ["checkout_seconds"] }, admin)).experimentResults.metrics;
    const [control, variant] = metric.results;
    expect(control.meanValue).toBe(11);
    expect(control.confidenceInterval.lower).toBeCloseTo(10.803016207899113, 9);
    expect(control.confidenceInterval.upper).toBeCloseTo(11.196983792100887, 9);
    expect(variant.meanValue).toBe(10);
    expect(variant.lift).toBeCloseTo(1 / 11, 12);
    expect(variant.confidence).toBeGreaterThan(0.999999);
    expect(metric).toMatchObject({ winner: "variant-a", statisticallySignificant: true, recommendation: "Roll out variant-a: +9.1% vs control at 100.0% confidence" });
  });

  it("checks the sample ratio against the configured 80/20 split, not an even one", async () => {
    const weights = { kind: "split", allocations: [{ variant: "control", weight: 80000 }, { variant: "variant-a", weight: 20000 }] };
    await env.DB.prepare("UPDATE rules SET serve = ? WHERE id = ?").bind(JSON.stringify(weights), demoRuleId("checkout_button_text", "staging")).run();
    await track([...users("purchase", "control", 800, 80), ...users("purchase", "variant-a", 200, 20)], DEMO_SECRETS.staging);
    const answer = () => gql(EXPERIMENT, { f: FEATURE, e: STAGING, m: ["purchase"] }, admin);
    const balanced = ok(await answer()).experimentResults;
    expect(balanced.splitWeights).toEqual([{ variant: "control", weight: 80000 }, { variant: "variant-a", weight: 20000 }]);
    // 801 control users: dedupe-2 converted in staging too.
    expect(balanced.metrics[0].warnings).toEqual([]);
    await track(users("purchase", "variant-a", 500, 0).slice(200), DEMO_SECRETS.staging);
    expect(ok(await answer()).experimentResults.metrics[0].warnings).toEqual([
      "Sample ratio mismatch: control has 61.6% of the samples but 80.0% of the configured split",
      "Sample ratio mismatch: variant-a has 38.4% of the samples but 20.0% of the configured split",
    ]);
  });

  it("reports the guardrails and makes no call below them", async () => {
    const small = Array.from({ length: 30 }, (_, i) => ({ metric: "basket_value", variant: i % 2 ? "variant-a" : "control", targetingKey: `s${i}`, value: i }));
    await track(small, DEMO_SECRETS.production);
    const [metric] = ok(await gql(EXPERIMENT, { f: FEATURE, e: DEMO_ENVIRONMENT_IDS.production, m: ["basket_value"] }, admin)).experimentResults.metrics;
    expect(metric).toMatchObject({
      winner: null, statisticallySignificant: false, recommendation: "Keep collecting data: the sample-size guardrails are not met yet",
      warnings: ["control has 15 samples; at least 100 are needed", "variant-a has 15 samples; at least 100 are needed", "30 samples in total; at least 200 are needed"],
    });
  });

  it("hides other teams' features and environments (NOT_FOUND) and refuses unknown metrics", async () => {
    expect(codes(await gql(EXPERIMENT, { f: FEATURE, e: DEV, m: ["purchase"] }, await tokenOf("outsider")))).toEqual(["NOT_FOUND"]);
    expect(codes(await gql(EXPERIMENT, { f: FEATURE, e: DEV, m: ["nope"] }, admin))).toEqual(["BAD_USER_INPUT"]);
  });
});
