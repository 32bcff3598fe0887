// Delivery metrics through /graphql: rolloutMetrics over fixed-time audit and approval rows (week
// and 30-day window boundaries, decided vs pending vs withdrawn requests, the bottleneck
// environment), featureImpactPreview on the demo data (protection, freezes, clients, dependents,
// risk levels), bad inputs, and who may read them.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_CLIENT_IDS, DEMO_ENVIRONMENT_IDS, DEMO_FEATURE_IDS, DEMO_TEAM_ID, DEMO_USER_IDS, demoStageId, type DemoEnvironmentKey, type DemoFeatureKey } from "../../../db/seed/demo-data";
import { controlYoga } from "../../../workers/admin/graphql/yoga";
import { as, failure, ok, pristine, tokenFor } from "./support/config";
import { CREATE_FREEZE, CREATE_POLICY } from "./support/governance";
import { gql } from "./support/graphql";
import { countingD1 } from "./support/query-counter";
import { OUTSIDER_TEAM_ID } from "./support/sessions";

const METRICS = `query($team: ID!, $now: DateTime) { rolloutMetrics(teamId: $team, now: $now) {
  teamId now featuresDeployedThisWeek featuresDeployedLastWeek deploymentChange approvalRate averageApprovalHours
  totalPendingApprovals bottleneckEnvironment { environmentId environmentKey averageWaitHours requests }
} }`;
const PREVIEW = `query($id: ID!, $envs: [ID!]) { featureImpactPreview(featureId: $id, environmentIds: $envs) {
  featureId key riskLevel
  environments { environmentId environmentKey environmentType protected approvalPolicyId frozen stageStatus live serverClients webClients dependents { featureId key depth } riskLevel }
} }`;

const NOW = Date.parse("2026-06-15T12:00:00.000Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ENV = DEMO_ENVIRONMENT_IDS;
const { BetaUsers, new_checkout_flow, dark_mode } = DEMO_FEATURE_IDS;

let rows = 0;
function auditDeploy(feature: DemoFeatureKey, environment: DemoEnvironmentKey, at: number, action = "stage.deploy") {
  return env.DB.prepare(
    "INSERT INTO audit_log (id, team_id, actor_id, actor_name, action, entity_type, entity_id, diff, created_at) VALUES (?, ?, NULL, 'test', ?, 'feature_stage', ?, '{}', ?)",
  ).bind(`audit-${++rows}`, DEMO_TEAM_ID, action, demoStageId(feature, environment), at);
}
function request(environment: DemoEnvironmentKey, status: string, createdAt: number, decidedAt: number | null) {
  return env.DB.prepare(
    `INSERT INTO approval_requests (id, team_id, feature_id, environment_id, action, payload, base_feature_version, required_approvals, status, requested_by, created_at, decided_at)
     VALUES (?, ?, ?, ?, 'deploy', '{}', 1, 1, ?, ?, ?, ?)`,
  ).bind(`request-${++rows}`, DEMO_TEAM_ID, BetaUsers, ENV[environment], status, DEMO_USER_IDS.requester, createdAt, decidedAt);
}

beforeEach(pristine);

describe("rolloutMetrics", () => {
  it("is all zero / null on the pristine demo data (no deploys or requests recorded)", async () => {
    const metrics = ok(await as("viewer", METRICS, { team: DEMO_TEAM_ID })).rolloutMetrics;
    expect({ ...metrics, now: undefined }).toEqual({
      teamId: DEMO_TEAM_ID, now: undefined, featuresDeployedThisWeek: 0, featuresDeployedLastWeek: 0, deploymentChange: null,
      approvalRate: null, averageApprovalHours: null, totalPendingApprovals: 0, bottleneckEnvironment: null,
    });
  });

  it("counts features deployed in [now-7d, now) and [now-14d, now-7d), each feature once per week", async () => {
    await env.DB.batch([
      auditDeploy("BetaUsers", "development", NOW - 1 * DAY),
      auditDeploy("BetaUsers", "staging", NOW - 2 * DAY), // same feature: once
      auditDeploy("dark_mode", "production", NOW - 3 * DAY),
      auditDeploy("homepage_layout", "development", NOW - 7 * DAY), // boundary: this week
      auditDeploy("max_upload_mb", "development", NOW - 1 * DAY, "stage.rollback"), // not a deploy
      auditDeploy("checkout_button_text", "development", NOW - 8 * DAY),
      auditDeploy("new_checkout_flow", "staging", NOW - 14 * DAY), // boundary: last week
      auditDeploy("max_upload_mb", "staging", NOW - 14 * DAY - 1), // before last week
      auditDeploy("legacy_search", "development", NOW), // at now: not before it
    ]);
    const metrics = ok(await as("viewer", METRICS, { team: DEMO_TEAM_ID, now: new Date(NOW).toISOString() })).rolloutMetrics;
    expect(metrics).toMatchObject({ now: "2026-06-15T12:00:00.000Z", featuresDeployedThisWeek: 3, featuresDeployedLastWeek: 2, deploymentChange: 50 });
    // A week later: the 3 become last week, the deploy at now is this week; a week earlier, the one just before the old window is last week.
    expect(ok(await as("viewer", METRICS, { team: DEMO_TEAM_ID, now: new Date(NOW + 7 * DAY).toISOString() })).rolloutMetrics)
      .toMatchObject({ featuresDeployedThisWeek: 1, featuresDeployedLastWeek: 3, deploymentChange: -66.67 });
    expect(ok(await as("viewer", METRICS, { team: DEMO_TEAM_ID, now: new Date(NOW - 7 * DAY).toISOString() })).rolloutMetrics)
      .toMatchObject({ featuresDeployedThisWeek: 2, featuresDeployedLastWeek: 1, deploymentChange: 100 });
  });

  it("derives approval rate, mean decision time, pending count and the slowest environment over 30 days", async () => {
    await env.DB.batch([
      request("staging", "approved", NOW - 10 * DAY, NOW - 10 * DAY + 2 * HOUR),
      request("production", "applied", NOW - 5 * DAY, NOW - 5 * DAY + 10 * HOUR),
      request("production", "rejected", NOW - 3 * DAY, NOW - 3 * DAY + 6 * HOUR),
      request("development", "cancelled", NOW - 2 * DAY, NOW - 2 * DAY + 1 * HOUR), // withdrawn: no decision, no wait
      request("staging", "pending", NOW - 4 * HOUR, null),
      request("production", "approved", NOW - 40 * DAY, NOW - 31 * DAY), // decided before the window
      request("production", "approved", NOW - 35 * DAY, NOW - 29 * DAY), // decided in the window, created before it
      request("development", "applied", NOW - 1 * HOUR, NOW + 1 * HOUR), // still open at now
      request("development", "pending", NOW + 1 * HOUR, null), // not yet made at now
    ]);
    expect(ok(await as("requester", METRICS, { team: DEMO_TEAM_ID, now: new Date(NOW).toISOString() })).rolloutMetrics).toEqual({
      teamId: DEMO_TEAM_ID, now: "2026-06-15T12:00:00.000Z",
      featuresDeployedThisWeek: 0, featuresDeployedLastWeek: 0, deploymentChange: null,
      // decided in the window: 2h approved, 10h applied, 6h rejected, 144h approved
      approvalRate: 75, averageApprovalHours: 40.5,
      totalPendingApprovals: 2,
      // waits of requests made in the window: staging (2h + 4h)/2, production (10h + 6h)/2, development 1h
      bottleneckEnvironment: { environmentId: ENV.production, environmentKey: "production", averageWaitHours: 8, requests: 2 },
    });
  });

  it("counts a real deploy applied through the stage workflow", async () => {
    ok(await as("teamadmin", `mutation($s: ID!) { requestRollback(stageId: $s) { status } }`, { s: demoStageId("dark_mode", "development") }));
    ok(await as("teamadmin", `mutation($s: ID!) { requestDeploy(stageId: $s) { status } }`, { s: demoStageId("dark_mode", "development") }));
    expect(ok(await as("viewer", METRICS, { team: DEMO_TEAM_ID })).rolloutMetrics.featuresDeployedThisWeek).toBe(1);
  });
});

const devImpact = {
  environmentId: ENV.development, environmentKey: "development", environmentType: "development", protected: false, approvalPolicyId: null,
  frozen: false, stageStatus: "DEPLOYED", live: true, serverClients: 1, webClients: 1,
};
const ncf = { featureId: new_checkout_flow, key: "new_checkout_flow", depth: 1 };

describe("featureImpactPreview", () => {
  it("rates BetaUsers per demo environment: dependents make dev and staging MEDIUM, production is HIGH", async () => {
    expect(ok(await as("viewer", PREVIEW, { id: BetaUsers })).featureImpactPreview).toEqual({
      featureId: BetaUsers, key: "BetaUsers", riskLevel: "HIGH",
      environments: [
        { ...devImpact, dependents: [ncf], riskLevel: "MEDIUM" },
        { ...devImpact, environmentId: ENV.staging, environmentKey: "staging", environmentType: "staging", webClients: 0, dependents: [ncf], riskLevel: "MEDIUM" },
        { ...devImpact, environmentId: ENV.production, environmentKey: "production", environmentType: "production", webClients: 0, dependents: [ncf], riskLevel: "HIGH" },
      ],
    });
  });

  it("is LOW for a development environment without dependents, restricted to the given environments", async () => {
    expect(ok(await as("viewer", PREVIEW, { id: dark_mode, envs: [ENV.development] })).featureImpactPreview).toEqual({
      featureId: dark_mode, key: "dark_mode", riskLevel: "LOW", environments: [{ ...devImpact, dependents: [], riskLevel: "LOW" }],
    });
  });

  it("reports protection by an enabled policy, active freezes, disabled clients and stages not live", async () => {
    const policyId = ok(await as("teamadmin", CREATE_POLICY, { input: { teamId: DEMO_TEAM_ID, name: "Dev gate", appliesTo: "specific", environmentIds: [ENV.development] } }))
      .createApprovalPolicy.id;
    ok(await as("teamadmin", CREATE_FREEZE, { input: {
      teamId: DEMO_TEAM_ID, name: "Freeze", environmentType: "development",
      startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() + HOUR).toISOString(),
    } }));
    await env.DB.prepare("UPDATE clients SET enabled = 0 WHERE id = ?").bind(DEMO_CLIENT_IDS.web).run();
    await env.DB.prepare("UPDATE feature_stages SET status = 'ROLLED_BACK' WHERE id = ?").bind(demoStageId("dark_mode", "development")).run();
    expect(ok(await as("viewer", PREVIEW, { id: dark_mode, envs: [ENV.development] })).featureImpactPreview.environments).toEqual([{
      ...devImpact, protected: true, approvalPolicyId: policyId, frozen: true, stageStatus: "ROLLED_BACK", live: false, webClients: 0,
      dependents: [], riskLevel: "HIGH",
    }]);
  });

  it("refuses an unknown feature (NOT_FOUND) and an environment that is not the feature's (BAD_USER_INPUT with its index)", async () => {
    expect(failure(await as("viewer", PREVIEW, { id: "no-such-feature" }))).toEqual({ code: "NOT_FOUND" });
    expect(failure(await as("viewer", PREVIEW, { id: BetaUsers, envs: [ENV.staging, "no-such-environment"] })))
      .toEqual({ code: "BAD_USER_INPUT", field: "environmentIds.1" });
  });
});

describe("D1 round trips", () => {
  it("are fixed whatever the number of rows: 2 for rolloutMetrics (the principal, whose membership proves the team, and one batch), 2 for featureImpactPreview", async () => {
    const statements: D1PreparedStatement[] = [];
    for (let i = 0; i < 30; i++) {
      statements.push(auditDeploy("BetaUsers", "production", NOW - i * HOUR), request("production", "approved", NOW - i * DAY, NOW - i * DAY + HOUR));
    }
    await env.DB.batch(statements);
    const counter = countingD1(env.DB);
    const token = await tokenFor("viewer");
    const run = async (query: string, variables: Record<string, unknown>) => {
      counter.reset();
      const response = await controlYoga().fetch(new Request("http://fluxgate.test/graphql", {
        method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      }), { env: { ...env, DB: counter.db } });
      return { body: (await response.json()) as { data: Record<string, any> }, roundTrips: counter.counts.roundTrips };
    };
    await run(METRICS, { team: DEMO_TEAM_ID }); // warms the isolate's signing-key cache, which is per D1 binding
    const metrics = await run(METRICS, { team: DEMO_TEAM_ID, now: new Date(NOW).toISOString() });
    expect(metrics.body.data.rolloutMetrics).toMatchObject({ featuresDeployedThisWeek: 1, approvalRate: 100, averageApprovalHours: 1 });
    expect(metrics.roundTrips).toBe(2);
    const preview = await run(PREVIEW, { id: BetaUsers });
    expect(preview.body.data.featureImpactPreview.environments).toHaveLength(3);
    expect(preview.roundTrips).toBe(2);
  });
});

describe("who may read delivery metrics", () => {
  it.each(["admin", "teamadmin", "approver", "requester", "viewer"] as const)("%s may read both", async (role) => {
    expect(ok(await as(role, METRICS, { team: DEMO_TEAM_ID })).rolloutMetrics.teamId).toBe(DEMO_TEAM_ID);
    expect(ok(await as(role, PREVIEW, { id: BetaUsers })).featureImpactPreview.environments).toHaveLength(3);
  });

  it("a member of another team gets NOT_FOUND; so does anyone for an unknown team", async () => {
    expect(failure(await as("outsider", METRICS, { team: DEMO_TEAM_ID }))).toEqual({ code: "NOT_FOUND" });
    expect(failure(await as("outsider", PREVIEW, { id: BetaUsers }))).toEqual({ code: "NOT_FOUND" });
    expect(failure(await as("admin", METRICS, { team: "no-such-team" }))).toEqual({ code: "NOT_FOUND" });
    expect(ok(await as("outsider", METRICS, { team: OUTSIDER_TEAM_ID })).rolloutMetrics.totalPendingApprovals).toBe(0);
  });

  it("an anonymous caller gets UNAUTHENTICATED", async () => {
    expect(failure(await gql(METRICS, { team: DEMO_TEAM_ID }))).toEqual({ code: "UNAUTHENTICATED" });
    expect(failure(await gql(PREVIEW, { id: BetaUsers }))).toEqual({ code: "UNAUTHENTICATED" });
  });
});
