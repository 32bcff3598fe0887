// Approval policy options through /graphql: fallbackToRoles (who is eligible when listed users are
// gone), allowAdminOverride (a team admin approves alone, with a reason) and autoApproveAfterHours
// (the cron job approves and applies a request nobody rejected, respecting freeze windows).
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_SECRETS, DEMO_TEAM_ID, DEMO_USER_IDS, demoStageId } from "../../../db/seed/demo-data";
import { autoApprovalJob } from "../../../workers/admin/jobs/auto-approval";
import { ofrep } from "../api-support";
import { ALL_ROLES, eventually, freshStart, tokenOf } from "./support/actors";
import { addFreeze, addPolicy, APPLY, CREATE_POLICY, REJECT, REQUEST_ROLLBACK, requestStatus, stageStatus } from "./support/governance";
import { codes, gql, ok } from "./support/graphql";

const PROD_STAGE = demoStageId("dark_mode", "production");
const BETA_PROD_STAGE = demoStageId("BetaUsers", "production");
const HOUR = 3_600_000;
const OVERRIDE = /* GraphQL */ `mutation($id: ID!, $reason: String) {
  adminOverrideApprove(requestId: $id, reason: $reason) { id status votes { userId vote } }
}`;
const REQUEST_RULES = /* GraphQL */ `mutation($stageId: ID!, $rules: [RuleInput!]!) {
  requestRulesChange(stageId: $stageId, rules: $rules) { id status createdAt autoApproveAt }
}`;
const OWNERS_ONLY = [{
  name: "owners", match: [{ operator: "and", conditions: [{ attribute: "role", operator: "equals", value: "owner" }] }], serve: { kind: "variant", variant: "on" },
}];
const UPDATE_POLICY = /* GraphQL */ `mutation($input: UpdateApprovalPolicyInput!) {
  updateApprovalPolicy(input: $input) { autoApproveAfterHours allowAdminOverride fallbackToRoles }
}`;

const requestRollback = async (role: "requester" | "teamadmin" = "requester", stageId = PROD_STAGE) =>
  ok(await gql(REQUEST_ROLLBACK, { stageId }, await tokenOf(role))).requestRollback.request;
const auditOf = (entityId: string, action: string) => env.DB.prepare(
  "SELECT actor_name AS actorName, reason FROM audit_log WHERE entity_id = ? AND action = ?",
).bind(entityId, action).all().then((r) => r.results);
const betaUsersForAdmin = () => ofrep("BetaUsers", { targetingKey: "u-1", role: "admin" }, { secret: DEMO_SECRETS.production })
  .then((a) => a.json as { value: boolean; reason: string });

beforeEach(freshStart);

describe("policy options", () => {
  it("default to no auto-approval, no admin override and fallback to roles; update and clear them", async () => {
    const created = ok(await gql(CREATE_POLICY.replace("enabled }", "enabled autoApproveAfterHours allowAdminOverride fallbackToRoles }"),
      { input: { teamId: DEMO_TEAM_ID, name: "p", appliesTo: "all" } }, await tokenOf("teamadmin"))).createApprovalPolicy;
    expect(created).toMatchObject({ autoApproveAfterHours: null, allowAdminOverride: false, fallbackToRoles: true });
    const token = await tokenOf("teamadmin");
    expect(ok(await gql(UPDATE_POLICY, { input: { id: created.id, autoApproveAfterHours: 48, allowAdminOverride: true, fallbackToRoles: false } }, token))
      .updateApprovalPolicy).toEqual({ autoApproveAfterHours: 48, allowAdminOverride: true, fallbackToRoles: false });
    expect(ok(await gql(UPDATE_POLICY, { input: { id: created.id, autoApproveAfterHours: null } }, token)).updateApprovalPolicy)
      .toEqual({ autoApproveAfterHours: null, allowAdminOverride: true, fallbackToRoles: false });
    for (const hours of [0, 721]) {
      const answer = await gql(UPDATE_POLICY, { input: { id: created.id, autoApproveAfterHours: hours } }, token);
      expect([codes(answer), answer.errors?.[0]?.extensions?.field]).toEqual([["BAD_USER_INPUT"], "input.autoApproveAfterHours"]);
    }
    const approver = await gql(UPDATE_POLICY, { input: { id: created.id, allowAdminOverride: false } }, await tokenOf("approver"));
    expect(codes(approver)).toEqual(["FORBIDDEN"]);
  });
});

describe("fallbackToRoles", () => {
  it("on (default): the eligible roles stay eligible, so a disabled listed user leaves the role holders", async () => {
    await addPolicy({ appliesTo: "production_only", eligibleRoles: ["approver"], eligibleUserIds: [DEMO_USER_IDS.viewer] });
    expect((await requestRollback()).eligibleUserIds).toEqual([DEMO_USER_IDS.approver, DEMO_USER_IDS.viewer].sort());
    await env.DB.prepare("UPDATE users SET enabled = 0 WHERE id = ?").bind(DEMO_USER_IDS.viewer).run();
    expect((await requestRollback("requester", BETA_PROD_STAGE)).eligibleUserIds).toEqual([DEMO_USER_IDS.approver]);
  });

  it("off: only the listed users still available; once none is (left the team), the request is refused", async () => {
    await addPolicy({ appliesTo: "production_only", eligibleRoles: ["approver"], eligibleUserIds: [DEMO_USER_IDS.viewer], fallbackToRoles: false });
    expect((await requestRollback()).eligibleUserIds).toEqual([DEMO_USER_IDS.viewer]);
    await env.DB.prepare("DELETE FROM team_memberships WHERE team_id = ? AND user_id = ?").bind(DEMO_TEAM_ID, DEMO_USER_IDS.viewer).run();
    const answer = await gql(REQUEST_ROLLBACK, { stageId: BETA_PROD_STAGE }, await tokenOf("requester"));
    expect(codes(answer)).toEqual(["CONFLICT"]);
    expect(answer.errors![0]!.message).toBe("This change needs 1 approval(s) but only 0 eligible approver(s) exist besides the requester");
    expect(await stageStatus(BETA_PROD_STAGE)).toBe("DEPLOYED");
  });

  it("off with no users listed: the roles decide", async () => {
    await addPolicy({ appliesTo: "production_only", eligibleRoles: ["approver"], fallbackToRoles: false });
    expect((await requestRollback()).eligibleUserIds).toEqual([DEMO_USER_IDS.approver]);
  });
});

describe("allowAdminOverride", () => {
  const twoApprovals = (allowAdminOverride: boolean) =>
    addPolicy({ appliesTo: "production_only", requiredApprovals: 2, eligibleRoles: ["approver", "team_admin"], allowAdminOverride });

  it("lets a team admin approve alone with a reason (audited), applying the change; without a reason BAD_USER_INPUT", async () => {
    await twoApprovals(true);
    const request = await requestRollback();
    const token = await tokenOf("teamadmin");
    for (const reason of [undefined, "   "]) {
      const answer = await gql(OVERRIDE, { id: request.id, reason }, token);
      expect([codes(answer), answer.errors?.[0]?.extensions?.field]).toEqual([["BAD_USER_INPUT"], "reason"]);
    }
    expect(await requestStatus(request.id)).toBe("pending");
    const done = ok(await gql(OVERRIDE, { id: request.id, reason: "incident 7 hotfix" }, token)).adminOverrideApprove;
    expect(done).toEqual({ id: request.id, status: "applied", votes: [{ userId: DEMO_USER_IDS.teamadmin, vote: "approve" }] });
    expect(await stageStatus(PROD_STAGE)).toBe("ROLLED_BACK");
    expect(await auditOf(request.id, "approval_request.admin_override")).toEqual([{ actorName: "teamadmin", reason: "incident 7 hotfix" }]);
    expect(codes(await gql(OVERRIDE, { id: request.id, reason: "again" }, token))).toEqual(["CONFLICT"]);
  });

  it("is refused where the policy does not allow it (the default), and for one's own request", async () => {
    const policyId = await twoApprovals(false);
    const request = await requestRollback();
    expect(codes(await gql(OVERRIDE, { id: request.id, reason: "x" }, await tokenOf("teamadmin")))).toEqual(["FORBIDDEN"]);
    expect(await requestStatus(request.id)).toBe("pending");
    ok(await gql(UPDATE_POLICY, { input: { id: policyId, allowAdminOverride: true, requiredApprovals: 1 } }, await tokenOf("teamadmin")));
    const own = await requestRollback("teamadmin", BETA_PROD_STAGE);
    const answer = await gql(OVERRIDE, { id: own.id, reason: "x" }, await tokenOf("teamadmin"));
    expect([codes(answer), answer.errors![0]!.message]).toEqual([["FORBIDDEN"], "Nobody may approve their own request, not even by an admin override"]);
  });

  it("leaves an override during a freeze approved but unapplied", async () => {
    await twoApprovals(true);
    const request = await requestRollback();
    await addFreeze({ environmentId: DEMO_ENVIRONMENT_IDS.production });
    expect(ok(await gql(OVERRIDE, { id: request.id, reason: "r" }, await tokenOf("teamadmin"))).adminOverrideApprove.status).toBe("approved");
    expect(await stageStatus(PROD_STAGE)).toBe("ROLLBACK_REQUESTED");
  });

  const expected: Record<string, string | null> = {
    admin: null, teamadmin: null, approver: "FORBIDDEN", requester: "FORBIDDEN", viewer: "FORBIDDEN", outsider: "NOT_FOUND",
  };
  for (const role of ALL_ROLES) {
    it(`adminOverrideApprove as ${role}: ${expected[role] ?? "allowed"}`, async () => {
      await twoApprovals(true);
      const request = await requestRollback();
      const answer = await gql(OVERRIDE, { id: request.id, reason: "because" }, await tokenOf(role));
      expect(codes(answer)).toEqual(expected[role] ? [expected[role]] : []);
      expect(await requestStatus(request.id)).toBe(expected[role] ? "pending" : "applied");
    });
  }
});

describe("autoApproveAfterHours (cron job)", () => {
  beforeEach(async () => {
    await addPolicy({ appliesTo: "production_only", eligibleRoles: ["approver"], autoApproveAfterHours: 24 });
  });

  it("approves and applies a request nobody rejected once its hours passed: audited, visible in OFREP", async () => {
    expect(await betaUsersForAdmin()).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
    const request = ok(await gql(REQUEST_RULES, { stageId: BETA_PROD_STAGE, rules: OWNERS_ONLY }, await tokenOf("requester"))).requestRulesChange;
    const createdAt = Date.parse(request.createdAt);
    expect(Date.parse(request.autoApproveAt) - createdAt).toBe(24 * HOUR);
    await autoApprovalJob.run(env, new Date(createdAt + 24 * HOUR - 60_000));
    expect(await requestStatus(request.id)).toBe("pending");
    await autoApprovalJob.run(env, new Date(createdAt + 24 * HOUR));
    expect(await requestStatus(request.id)).toBe("applied");
    expect(await auditOf(request.id, "approval_request.auto_approve")).toEqual([{ actorName: "system", reason: "no rejection within 24 hour(s)" }]);
    expect(await eventually(betaUsersForAdmin, (a) => a.value === false)).toMatchObject({ value: false, reason: "DEFAULT" });
  });

  it("never approves a rejected request", async () => {
    const request = await requestRollback();
    ok(await gql(REJECT, { id: request.id }, await tokenOf("approver")));
    await autoApprovalJob.run(env, new Date(Date.now() + 25 * HOUR));
    expect(await requestStatus(request.id)).toBe("rejected");
    expect(await stageStatus(PROD_STAGE)).toBe("ROLLBACK_REJECTED");
  });

  it("respects a freeze window: auto_approved and held until an admin applies it with an override", async () => {
    const request = await requestRollback();
    const at = Date.now() + 25 * HOUR;
    await addFreeze({ environmentType: "production", startsAt: new Date(at - HOUR).toISOString(), endsAt: new Date(at + HOUR).toISOString() });
    await autoApprovalJob.run(env, new Date(at));
    expect(await requestStatus(request.id)).toBe("auto_approved");
    expect(await stageStatus(PROD_STAGE)).toBe("ROLLBACK_REQUESTED");
    expect(ok(await gql(APPLY, { id: request.id }, await tokenOf("requester"))).applyApprovalRequest.status).toBe("applied");
    expect(await stageStatus(PROD_STAGE)).toBe("ROLLED_BACK");
  });

  it("invalidates a request whose feature changed since", async () => {
    const request = await requestRollback();
    await env.DB.prepare("UPDATE features SET version = version + 1 WHERE id = (SELECT feature_id FROM feature_stages WHERE id = ?)").bind(PROD_STAGE).run();
    await autoApprovalJob.run(env, new Date(Date.now() + 25 * HOUR));
    expect(await requestStatus(request.id)).toBe("invalidated");
    expect(await stageStatus(PROD_STAGE)).toBe("DEPLOYED");
  });
});
