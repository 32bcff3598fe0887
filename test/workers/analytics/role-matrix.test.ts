// The analytics rows of docs/ROLES.md: every operation against every demo role and a team admin of
// another team ("outsider"). Reads are open to every member; metric and canary-gate changes and
// manual analyses to team admins (and system admins); non-members get NOT_FOUND.
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_FEATURE_IDS, DEMO_TEAM_ID } from "../../../db/seed/demo-data";
import { ALL_ROLES, freshStart, tokenOf } from "../control/support/actors";
import { gql, ok } from "../control/support/graphql";
import type { Role } from "../control/support/sessions";

const DEV = DEMO_ENVIRONMENT_IDS.development;
const FEATURE = DEMO_FEATURE_IDS.checkout_button_text;
let metricId: string;
let gateId: string;
let unique = 0;

type Outcome = "ok" | string;
const outcome = async (query: string, variables: Record<string, unknown>, role: Role): Promise<Outcome> => {
  const answer = await gql(query, variables, await tokenOf(role));
  return answer.errors?.length ? String(answer.errors[0]!.extensions?.code) : "ok";
};

const READ = { admin: "ok", teamadmin: "ok", approver: "ok", requester: "ok", viewer: "ok", outsider: "NOT_FOUND" };
const ADMIN_ONLY = { admin: "ok", teamadmin: "ok", approver: "FORBIDDEN", requester: "FORBIDDEN", viewer: "FORBIDDEN", outsider: "NOT_FOUND" };

const OPERATIONS: [string, () => [string, Record<string, unknown>], Record<Role, Outcome>][] = [
  ["evaluationSummary(environmentId)", () => [`query($e: ID) { evaluationSummary(environmentId: $e, period: PERIOD_1H) { totalEvaluations } }`, { e: DEV }], READ],
  ["evaluationSummary(teamId)", () => [`query($t: ID) { evaluationSummary(teamId: $t, period: PERIOD_1H) { totalEvaluations } }`, { t: DEMO_TEAM_ID }], READ],
  ["evaluationRates", () => [`query($e: ID!) { evaluationRates(environmentId: $e, period: PERIOD_1H, intervalMinutes: 5) { evaluations } }`, { e: DEV }], READ],
  ["evaluationsByFeature", () => [`query($e: ID!, $f: DateTime!) { evaluationsByFeature(environmentId: $e, from: $f) { to } }`,
    { e: DEV, f: new Date(Date.now() - 3_600_000).toISOString() }], READ],
  ["metrics", () => [`query($t: ID!) { metrics(teamId: $t) { id } }`, { t: DEMO_TEAM_ID }], READ],
  ["metric", () => [`query($id: ID!) { metric(id: $id) { id } }`, { id: metricId }], READ],
  ["experimentResults", () => [`query($f: ID!, $e: ID!) { experimentResults(featureId: $f, environmentId: $e, metricKeys: ["matrix"], period: PERIOD_1H) { featureKey } }`,
    { f: FEATURE, e: DEV }], READ],
  ["canaryGates", () => [`query($f: ID!) { canaryGates(featureId: $f) { id } }`, { f: FEATURE }], READ],
  ["canaryGate, canaryResults", () => [`query($id: ID!) { canaryGate(id: $id) { id results { id } } canaryResults(gateId: $id) { id } }`, { id: gateId }], READ],
  ["createMetric", () => [`mutation($t: ID!, $k: String!) { createMetric(input: { teamId: $t, key: $k, name: "x", type: numeric }) { id } }`,
    { t: DEMO_TEAM_ID, k: `m${unique++}` }], ADMIN_ONLY],
  ["updateMetric", () => [`mutation($id: ID!) { updateMetric(input: { id: $id, name: "renamed" }) { id } }`, { id: metricId }], ADMIN_ONLY],
  ["updateCanaryGate", () => [`mutation($id: ID!) { updateCanaryGate(input: { id: $id, thresholdPct: 7 }) { id } }`, { id: gateId }], ADMIN_ONLY],
  ["analyzeCanaryGate", () => [`mutation($id: ID!) { analyzeCanaryGate(id: $id) { outcome } }`, { id: gateId }], ADMIN_ONLY],
];

beforeAll(async () => {
  await freshStart();
  const admin = await tokenOf("teamadmin");
  metricId = ok(await gql(`mutation($t: ID!) { createMetric(input: { teamId: $t, key: "matrix", name: "Matrix", type: conversion }) { id } }`,
    { t: DEMO_TEAM_ID }, admin)).createMetric.id;
  gateId = ok(await gql(`mutation($i: CreateCanaryGateInput!) { createCanaryGate(input: $i) { id } }`, { i: {
    featureId: FEATURE, environmentId: DEV, metricKey: "matrix", baselineVariant: "control", canaryVariant: "variant-a",
    direction: "higher_is_better", thresholdPct: 5, minSampleSize: 10, windowMinutes: 30,
  } }, admin)).createCanaryGate.id;
});

describe("analytics role matrix", () => {
  it.each(OPERATIONS)("%s", async (_name, build, expected) => {
    const answers: Record<string, Outcome> = {};
    for (const role of ALL_ROLES) {
      const [query, variables] = build();
      answers[role] = await outcome(query, variables, role);
    }
    expect(answers).toEqual(expected);
  });

  it("deleteCanaryGate and deleteMetric: team admins only", async () => {
    for (const role of ["approver", "requester", "viewer"] as Role[]) {
      expect(await outcome(`mutation($id: ID!) { deleteCanaryGate(id: $id) { id } }`, { id: gateId }, role)).toBe("FORBIDDEN");
      expect(await outcome(`mutation($id: ID!) { deleteMetric(id: $id) { id } }`, { id: metricId }, role)).toBe("FORBIDDEN");
    }
    expect(await outcome(`mutation($id: ID!) { deleteCanaryGate(id: $id) { id } }`, { id: gateId }, "outsider")).toBe("NOT_FOUND");
    expect(await outcome(`mutation($id: ID!) { deleteCanaryGate(id: $id) { id } }`, { id: gateId }, "teamadmin")).toBe("ok");
    expect(await outcome(`mutation($id: ID!) { deleteMetric(id: $id) { id } }`, { id: metricId }, "admin")).toBe("ok");
  });
});
