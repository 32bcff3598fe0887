// The stage workflow and approvals through /graphql: direct deploys where no policy applies,
// requests where one does, frozen approvers, no self-approval, one rejection rejects, the last
// approval applies atomically, an edit after the request invalidates it.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_FEATURE_IDS, DEMO_SECRETS, DEMO_TEAM_ID, DEMO_USER_IDS, demoStageId } from "../../../db/seed/demo-data";
import { ofrep } from "../api-support";
import { ALL_ROLES, eventually, freshStart, tokenOf } from "./support/actors";
import {
  addPolicy, APPROVE, CREATE_POLICY, featureVersion, lastAudit, REJECT, REQUEST_DEPLOY, REQUEST_ROLLBACK, requestStatus, stageStatus,
} from "./support/governance";
import { codes, gql, ok } from "./support/graphql";

const PROD_STAGE = demoStageId("dark_mode", "production");
const DEV_STAGE = demoStageId("dark_mode", "development");
const FEATURE = DEMO_FEATURE_IDS.dark_mode;
const KILL = /* GraphQL */ `mutation($id: ID!) { emergencyDisableFeature(id: $id) { id } }`;
const darkMode = () => ofrep("dark_mode", { targetingKey: "user-1" }, { secret: DEMO_SECRETS.production }).then((a) => a.json as { reason: string });

beforeEach(freshStart);

describe("without an applicable policy", () => {
  it("a team admin rolls back and deploys directly: the status goes straight to ROLLED_BACK / DEPLOYED, versioned and published", async () => {
    const token = await tokenOf("teamadmin");
    expect(ok(await gql(REQUEST_ROLLBACK, { stageId: PROD_STAGE }, token)).requestRollback)
      .toEqual({ stageId: PROD_STAGE, status: "ROLLED_BACK", request: null });
    expect(await stageStatus(PROD_STAGE)).toBe("ROLLED_BACK");
    expect(await featureVersion(FEATURE)).toBe(2);
    expect(await lastAudit(PROD_STAGE)).toEqual({ action: "stage.rollback", actorName: "teamadmin", reason: null });
    expect((await eventually(darkMode, (a) => a.reason === "DISABLED")).reason).toBe("DISABLED");

    expect(ok(await gql(REQUEST_DEPLOY, { stageId: PROD_STAGE }, token)).requestDeploy)
      .toEqual({ stageId: PROD_STAGE, status: "DEPLOYED", request: null });
    expect(await featureVersion(FEATURE)).toBe(3);
    expect((await eventually(darkMode, (a) => a.reason !== "DISABLED")).reason).not.toBe("DISABLED");
  });

  it("a requester's request is decided by the team admins (frozen at creation) and the admin's approval applies it", async () => {
    const requested = ok(await gql(REQUEST_ROLLBACK, { stageId: PROD_STAGE }, await tokenOf("requester"))).requestRollback;
    expect(requested.status).toBe("ROLLBACK_REQUESTED");
    expect(requested.request).toMatchObject({ status: "pending", requiredApprovals: 1, eligibleUserIds: [DEMO_USER_IDS.teamadmin], baseFeatureVersion: 1 });
    expect(codes(await gql(APPROVE, { id: requested.request.id }, await tokenOf("approver")))).toEqual(["FORBIDDEN"]);
    const applied = ok(await gql(APPROVE, { id: requested.request.id }, await tokenOf("teamadmin"))).approveRequest;
    expect(applied).toMatchObject({ status: "applied", votes: [{ userId: DEMO_USER_IDS.teamadmin, vote: "approve" }] });
    expect(await stageStatus(PROD_STAGE)).toBe("ROLLED_BACK");
  });

  it("refuses to deploy a feature whose prerequisite is not deployed in that environment", async () => {
    const token = await tokenOf("teamadmin");
    ok(await gql(REQUEST_ROLLBACK, { stageId: demoStageId("new_checkout_flow", "development") }, token));
    ok(await gql(REQUEST_ROLLBACK, { stageId: demoStageId("BetaUsers", "development") }, token));
    const blocked = await gql(REQUEST_DEPLOY, { stageId: demoStageId("new_checkout_flow", "development") }, token);
    expect(codes(blocked)).toEqual(["CONFLICT"]);
    expect(blocked.errors![0]!.message).toBe("Deploy blocked: the prerequisite BetaUsers is not deployed in development");
    ok(await gql(REQUEST_DEPLOY, { stageId: demoStageId("BetaUsers", "development") }, token));
    expect(ok(await gql(REQUEST_DEPLOY, { stageId: demoStageId("new_checkout_flow", "development") }, token)).requestDeploy.status).toBe("DEPLOYED");
  });

  it("refuses a transition the state machine does not allow with CONFLICT", async () => {
    expect(codes(await gql(REQUEST_DEPLOY, { stageId: PROD_STAGE }, await tokenOf("teamadmin")))).toEqual(["CONFLICT"]);
  });
});

const UPDATE_POLICY = /* GraphQL */ `mutation($input: UpdateApprovalPolicyInput!) { updateApprovalPolicy(input: $input) { id requiredApprovals } }`;

describe("with a policy covering production", () => {
  let policyId = "";
  const requireOneApproval = async () =>
    ok(await gql(UPDATE_POLICY, { input: { id: policyId, requiredApprovals: 1 } }, await tokenOf("teamadmin")));
  beforeEach(async () => {
    policyId = await addPolicy({ appliesTo: "production_only", requiredApprovals: 2, eligibleRoles: ["approver", "team_admin"] });
  });

  it("even a team admin only requests; the request freezes its approvers, without the requester", async () => {
    await requireOneApproval();
    const answer = ok(await gql(REQUEST_ROLLBACK, { stageId: PROD_STAGE }, await tokenOf("teamadmin"))).requestRollback;
    expect(answer.status).toBe("ROLLBACK_REQUESTED");
    expect(answer.request.eligibleUserIds).toEqual([DEMO_USER_IDS.approver]);
    expect(await stageStatus(PROD_STAGE)).toBe("ROLLBACK_REQUESTED");
  });

  it("refuses a request no one can satisfy (2 approvals, 1 eligible besides the requester) instead of a dead end", async () => {
    const answer = await gql(REQUEST_ROLLBACK, { stageId: PROD_STAGE }, await tokenOf("teamadmin"));
    expect(codes(answer)).toEqual(["CONFLICT"]);
    expect(answer.errors![0]!.message).toBe("This change needs 2 approval(s) but only 1 eligible approver(s) exist besides the requester");
    expect(await stageStatus(PROD_STAGE)).toBe("DEPLOYED");
  });

  it("needs every required approval, refuses self-approval and applies atomically on the last one", async () => {
    const requested = ok(await gql(REQUEST_ROLLBACK, { stageId: PROD_STAGE }, await tokenOf("requester"))).requestRollback.request;
    expect(requested.eligibleUserIds).toEqual([DEMO_USER_IDS.teamadmin, DEMO_USER_IDS.approver].sort());
    // Make the requester otherwise eligible (listed among the frozen approvers), so only the
    // self-approval rule can refuse the vote.
    await env.DB.prepare("UPDATE approval_requests SET eligible_user_ids = ? WHERE id = ?")
      .bind(JSON.stringify([...requested.eligibleUserIds, DEMO_USER_IDS.requester].sort()), requested.id).run();
    const own = await gql(APPROVE, { id: requested.id }, await tokenOf("requester"));
    expect(codes(own)).toEqual(["FORBIDDEN"]);
    expect(own.errors![0]!.message).toBe("Nobody may approve or reject their own request");
    expect(ok(await gql(APPROVE, { id: requested.id }, await tokenOf("approver"))).approveRequest.status).toBe("pending");
    expect(codes(await gql(APPROVE, { id: requested.id }, await tokenOf("approver")))).toEqual(["CONFLICT"]);
    expect(await stageStatus(PROD_STAGE)).toBe("ROLLBACK_REQUESTED");
    expect(ok(await gql(APPROVE, { id: requested.id }, await tokenOf("teamadmin"))).approveRequest.status).toBe("applied");
    expect(await stageStatus(PROD_STAGE)).toBe("ROLLED_BACK");
    expect(await featureVersion(FEATURE)).toBe(2);
  });

  it("two approvals arriving at the same moment still apply the change exactly once", async () => {
    const requested = ok(await gql(REQUEST_ROLLBACK, { stageId: PROD_STAGE }, await tokenOf("requester"))).requestRollback.request;
    const [approver, admin] = [await tokenOf("approver"), await tokenOf("teamadmin")];
    await Promise.all([gql(APPROVE, { id: requested.id }, approver), gql(APPROVE, { id: requested.id }, admin)]);
    expect(await requestStatus(requested.id)).toBe("applied");
    expect(await stageStatus(PROD_STAGE)).toBe("ROLLED_BACK");
    expect(await featureVersion(FEATURE)).toBe(2);
  });

  it("a self-requested change by a team admin cannot be approved by that admin", async () => {
    await requireOneApproval();
    const requested = ok(await gql(REQUEST_ROLLBACK, { stageId: PROD_STAGE }, await tokenOf("teamadmin"))).requestRollback.request;
    const answer = await gql(APPROVE, { id: requested.id }, await tokenOf("teamadmin"));
    expect(codes(answer)).toEqual(["FORBIDDEN"]);
    expect(answer.errors![0]!.message).toBe("Nobody may approve or reject their own request");
  });

  it("one rejection rejects: the stage goes to ROLLBACK_REJECTED and stays live", async () => {
    const requested = ok(await gql(REQUEST_ROLLBACK, { stageId: PROD_STAGE }, await tokenOf("requester"))).requestRollback.request;
    ok(await gql(APPROVE, { id: requested.id }, await tokenOf("approver")));
    expect(ok(await gql(REJECT, { id: requested.id }, await tokenOf("teamadmin"))).rejectRequest.status).toBe("rejected");
    expect(await stageStatus(PROD_STAGE)).toBe("ROLLBACK_REJECTED");
    expect(await featureVersion(FEATURE)).toBe(1);
    expect(codes(await gql(APPROVE, { id: requested.id }, await tokenOf("teamadmin")))).toEqual(["CONFLICT"]);
  });

  it("an edit of the feature after the request invalidates it: the vote fails with CONFLICT / INVALIDATED", async () => {
    const requested = ok(await gql(REQUEST_ROLLBACK, { stageId: PROD_STAGE }, await tokenOf("requester"))).requestRollback.request;
    ok(await gql(APPROVE, { id: requested.id }, await tokenOf("approver")));
    ok(await gql(KILL, { id: FEATURE }, await tokenOf("teamadmin"))); // any committed change bumps the version
    const answer = await gql(APPROVE, { id: requested.id }, await tokenOf("teamadmin"));
    expect(codes(answer)).toEqual(["CONFLICT"]);
    expect(answer.errors![0]!.extensions!.reason).toBe("INVALIDATED");
    expect(await requestStatus(requested.id)).toBe("invalidated");
    expect(await stageStatus(PROD_STAGE)).toBe("DEPLOYED");
  });

  it("leaves environments the policy does not cover to direct team-admin changes", async () => {
    expect(ok(await gql(REQUEST_ROLLBACK, { stageId: DEV_STAGE }, await tokenOf("teamadmin"))).requestRollback.status).toBe("ROLLED_BACK");
  });
});

describe("approval policies", () => {
  it("validates scope, environments and eligibility with field paths", async () => {
    const token = await tokenOf("teamadmin");
    const bad = async (input: Record<string, unknown>) => {
      const answer = await gql(CREATE_POLICY, { input: { teamId: DEMO_TEAM_ID, name: "p", appliesTo: "all", ...input } }, token);
      return [codes(answer)[0], answer.errors?.[0]?.extensions?.field];
    };
    expect(await bad({ appliesTo: "specific" })).toEqual(["BAD_USER_INPUT", "input.environmentIds"]);
    expect(await bad({ appliesTo: "specific", environmentIds: ["nope"] })).toEqual(["BAD_USER_INPUT", "input.environmentIds.0"]);
    expect(await bad({ eligibleRoles: [] })).toEqual(["BAD_USER_INPUT", "input.eligibleRoles"]);
    expect(await bad({ requiredApprovals: 0 })).toEqual(["BAD_USER_INPUT", "input.requiredApprovals"]);
    expect(await bad({ eligibleUserIds: ["00000000-0000-4000-8000-00000000f0b2"] })).toEqual(["BAD_USER_INPUT", "input.eligibleUserIds.0"]);
  });

  it("a policy listing users freezes exactly them", async () => {
    await addPolicy({ appliesTo: "specific", environmentIds: [DEMO_ENVIRONMENT_IDS.production], eligibleRoles: [], eligibleUserIds: [DEMO_USER_IDS.viewer] });
    const requested = ok(await gql(REQUEST_ROLLBACK, { stageId: PROD_STAGE }, await tokenOf("requester"))).requestRollback.request;
    expect(requested.eligibleUserIds).toEqual([DEMO_USER_IDS.viewer]);
    expect(ok(await gql(APPROVE, { id: requested.id }, await tokenOf("viewer"))).approveRequest.status).toBe("applied");
  });

  it("refuses a second policy with the same name in the team with CONFLICT", async () => {
    const input = { teamId: DEMO_TEAM_ID, name: "twice", appliesTo: "all" };
    expect(codes(await gql(CREATE_POLICY, { input }, await tokenOf("teamadmin")))).toEqual([]);
    const again = await gql(CREATE_POLICY, { input }, await tokenOf("teamadmin"));
    expect(codes(again)).toEqual(["CONFLICT"]);
    expect(again.errors?.[0]?.message).toBe("An approval policy with this name already exists in the team");
  });

  const expected: Record<string, string | null> = {
    admin: null, teamadmin: null, approver: "FORBIDDEN", requester: "FORBIDDEN", viewer: "FORBIDDEN", outsider: "NOT_FOUND",
  };
  for (const role of ALL_ROLES) {
    it(`createApprovalPolicy as ${role}: ${expected[role] ?? "allowed"}`, async () => {
      const answer = await gql(CREATE_POLICY, { input: { teamId: DEMO_TEAM_ID, name: `p-${role}`, appliesTo: "all" } }, await tokenOf(role));
      expect(codes(answer)).toEqual(expected[role] ? [expected[role]] : []);
    });
  }
});

describe("stage workflow role matrix", () => {
  const expected: Record<string, string | null> = {
    admin: null, teamadmin: null, approver: "FORBIDDEN", requester: null, viewer: "FORBIDDEN", outsider: "NOT_FOUND",
  };
  for (const role of ALL_ROLES) {
    it(`requestRollback as ${role}: ${expected[role] ?? "allowed"}`, async () => {
      const answer = await gql(REQUEST_ROLLBACK, { stageId: PROD_STAGE }, await tokenOf(role));
      expect(codes(answer)).toEqual(expected[role] ? [expected[role]] : []);
    });
  }
});
