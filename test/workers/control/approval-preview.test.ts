// approvalPolicyPreview through /graphql: every outcome, computed by the workflow's own rules (the
// preview's approvers are the request's approvers), role checks and bad input.
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_TEAM_ID, DEMO_USER_IDS, demoStageId } from "../../../db/seed/demo-data";
import { ALL_ROLES, freshStart, tokenOf } from "./support/actors";
import { addFreeze, addPolicy, REQUEST_ROLLBACK } from "./support/governance";
import { codes, gql, ok } from "./support/graphql";
import type { Role } from "./support/sessions";

const PREVIEW = /* GraphQL */ `query($teamId: ID!, $environmentId: ID!, $changeType: ApprovalChangeType!, $requestedStatus: String) {
  approvalPolicyPreview(teamId: $teamId, environmentId: $environmentId, changeType: $changeType, requestedStatus: $requestedStatus) {
    outcome policy { name } requiredApprovals eligibleApproverIds reason freezeWindows { window { name } startsAt endsAt }
  }
}`;

const preview = async (role: Role, changeType = "rollback", environmentId: string = DEMO_ENVIRONMENT_IDS.production, requestedStatus?: string) =>
  gql(PREVIEW, { teamId: DEMO_TEAM_ID, environmentId, changeType, requestedStatus }, await tokenOf(role));
const outcome = async (role: Role, changeType = "rollback", environmentId?: string) =>
  ok(await preview(role, changeType, environmentId)).approvalPolicyPreview;

beforeEach(freshStart);

describe("approvalPolicyPreview", () => {
  it("NOT_REQUIRED: a team admin's deploy where no policy applies", async () => {
    expect(await outcome("teamadmin", "deploy")).toEqual({
      outcome: "NOT_REQUIRED", policy: null, requiredApprovals: 0, eligibleApproverIds: [], freezeWindows: [],
      reason: 'No approval policy covers environment "Production": the change applies directly',
    });
    expect((await outcome("requester", "rules_change")).outcome).toBe("NOT_REQUIRED");
  });

  it("REQUIRES_APPROVAL: a requester's rollback without a policy goes to the team admins", async () => {
    expect(await outcome("requester")).toEqual({
      outcome: "REQUIRES_APPROVAL", policy: null, requiredApprovals: 1, eligibleApproverIds: [DEMO_USER_IDS.teamadmin], freezeWindows: [],
      reason: 'No approval policy covers environment "Production": a team admin approves a requester\'s rollback',
    });
  });

  it("REQUIRES_APPROVAL under a policy names it, and its approvers are exactly the ones a real request freezes", async () => {
    await addPolicy({ appliesTo: "production_only", requiredApprovals: 2, eligibleRoles: ["approver", "team_admin"] });
    const seen = await outcome("requester", "rollback", DEMO_ENVIRONMENT_IDS.production);
    expect(seen).toEqual({
      outcome: "REQUIRES_APPROVAL", policy: { name: "Production gate" }, requiredApprovals: 2,
      eligibleApproverIds: [DEMO_USER_IDS.teamadmin, DEMO_USER_IDS.approver].sort(), freezeWindows: [],
      reason: 'The approval policy "Production gate" requires 2 approval(s)',
    });
    const request = ok(await gql(REQUEST_ROLLBACK, { stageId: demoStageId("dark_mode", "production") }, await tokenOf("requester"))).requestRollback.request;
    expect(request.eligibleUserIds).toEqual(seen.eligibleApproverIds);
    expect((await outcome("teamadmin", "rollback", DEMO_ENVIRONMENT_IDS.staging)).outcome).toBe("NOT_REQUIRED");
  });

  it("AUTO_APPROVED: the policy approves automatically after its hours", async () => {
    await addPolicy({ appliesTo: "all", eligibleRoles: ["approver"], autoApproveAfterHours: 12 });
    expect(await outcome("teamadmin", "rules_change", DEMO_ENVIRONMENT_IDS.development)).toEqual({
      outcome: "AUTO_APPROVED", policy: { name: "Production gate" }, requiredApprovals: 1, eligibleApproverIds: [DEMO_USER_IDS.approver],
      freezeWindows: [], reason: 'The approval policy "Production gate" requires 1 approval(s), or is approved automatically after 12 hour(s) unless rejected',
    });
  });

  it("BLOCKED by a freeze window, naming it and its occurrence", async () => {
    await addFreeze({ environmentType: "production", startsAt: "2026-01-01T00:00:00.000Z", endsAt: "2099-01-01T00:00:00.000Z" });
    expect(await outcome("teamadmin", "deploy")).toEqual({
      outcome: "BLOCKED", policy: null, requiredApprovals: 0, eligibleApproverIds: [],
      freezeWindows: [{ window: { name: "Release freeze" }, startsAt: "2026-01-01T00:00:00.000Z", endsAt: "2099-01-01T00:00:00.000Z" }],
      reason: 'Environment "Production" is frozen by "Release freeze" until 2099-01-01T00:00:00.000Z; a team admin may override with a reason',
    });
  });

  it("BLOCKED for a role that may not request a deploy or rollback (as requestDeploy refuses it)", async () => {
    expect(await outcome("viewer", "deploy")).toEqual({
      outcome: "BLOCKED", policy: null, requiredApprovals: 1, eligibleApproverIds: [], freezeWindows: [], reason: "The role viewer may not request a deploy",
    });
    expect((await outcome("approver", "rollback")).reason).toBe("The role approver may not request a rollback");
    expect(codes(await gql(REQUEST_ROLLBACK, { stageId: demoStageId("dark_mode", "production") }, await tokenOf("approver")))).toEqual(["FORBIDDEN"]);
  });

  it("BLOCKED when fewer approvers exist than the policy requires", async () => {
    await addPolicy({ appliesTo: "production_only", requiredApprovals: 3, eligibleRoles: ["approver", "team_admin"] });
    const seen = await outcome("requester");
    expect(seen).toMatchObject({ outcome: "BLOCKED", requiredApprovals: 3, eligibleApproverIds: [] });
    expect(seen.reason).toBe("This change needs 3 approval(s) but only 2 eligible approver(s) exist besides the requester");
  });

  it("rejects bad input with the field path, and another team's environment as NOT_FOUND", async () => {
    const wrong = await preview("teamadmin", "deploy", DEMO_ENVIRONMENT_IDS.production, "ROLLED_BACK");
    expect([codes(wrong), wrong.errors?.[0]?.extensions?.field]).toEqual([["BAD_USER_INPUT"], "requestedStatus"]);
    const unknown = await preview("teamadmin", "deploy", DEMO_ENVIRONMENT_IDS.production, "SHIPPED");
    expect([codes(unknown), unknown.errors?.[0]?.extensions?.field]).toEqual([["BAD_USER_INPUT"], "requestedStatus"]);
    expect(ok(await preview("teamadmin", "deploy", DEMO_ENVIRONMENT_IDS.production, "DEPLOYMENT_REQUESTED")).approvalPolicyPreview.outcome)
      .toBe("NOT_REQUIRED");
    expect(codes(await preview("teamadmin", "deploy", "00000000-0000-4000-8000-00000000ffff"))).toEqual(["NOT_FOUND"]);
    const ship = await preview("teamadmin", "ship");
    expect([ship.data ?? null, ship.errors?.length, ship.errors?.[0]?.message]).toEqual([null, 1, expect.stringContaining('"ApprovalChangeType"')]);
  });

  const expected: Record<Role, string | null> = {
    admin: null, teamadmin: null, approver: null, requester: null, viewer: null, outsider: "NOT_FOUND",
  };
  for (const role of ALL_ROLES) {
    it(`as ${role}: ${expected[role] ?? "allowed"}`, async () => {
      expect(codes(await preview(role))).toEqual(expected[role] ? [expected[role]] : []);
    });
  }
});
