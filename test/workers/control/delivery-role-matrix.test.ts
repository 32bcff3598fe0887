// The delivery operations not covered by a matrix in their flow tests, against every role and a
// member of another team (docs/ROLES.md, "Delivery").
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_FEATURE_IDS, DEMO_TEAM_ID, demoRuleId, demoStageId } from "../../../db/seed/demo-data";
import { ALL_ROLES, freshStart, tokenOf } from "./support/actors";
import { addFreeze, addPolicy, APPLY, APPROVE, REJECT, REQUEST_ROLLBACK } from "./support/governance";
import { codes, gql, ok } from "./support/graphql";
import type { Role } from "./support/sessions";

const PROD_STAGE = demoStageId("dark_mode", "production");
type Case = { setup: () => Promise<Record<string, unknown>>; query: string; expected: Record<Role, string | null> };

const ADMINS_ONLY: Record<Role, string | null> = {
  admin: null, teamadmin: null, approver: "FORBIDDEN", requester: "FORBIDDEN", viewer: "FORBIDDEN", outsider: "NOT_FOUND",
};
const requestByRequester = async () => {
  await addPolicy({ appliesTo: "production_only", requiredApprovals: 1, eligibleRoles: ["approver", "team_admin"] });
  return ok(await gql(REQUEST_ROLLBACK, { stageId: PROD_STAGE }, await tokenOf("requester"))).requestRollback.request.id as string;
};
const VOTERS: Record<Role, string | null> = {
  admin: "FORBIDDEN", teamadmin: null, approver: null, requester: "FORBIDDEN", viewer: "FORBIDDEN", outsider: "NOT_FOUND",
};

const CASES: Record<string, Case> = {
  updateApprovalPolicy: {
    setup: async () => ({ id: await addPolicy({ appliesTo: "all" }) }),
    query: `mutation($id: ID!) { updateApprovalPolicy(input: { id: $id, requiredApprovals: 2 }) { id } }`,
    expected: ADMINS_ONLY,
  },
  deleteApprovalPolicy: {
    setup: async () => ({ id: await addPolicy({ appliesTo: "all" }) }),
    query: `mutation($id: ID!) { deleteApprovalPolicy(id: $id) { id } }`,
    expected: ADMINS_ONLY,
  },
  updateFreezeWindow: {
    setup: async () => ({ id: await addFreeze({ environmentType: "staging" }) }),
    query: `mutation($id: ID!) { updateFreezeWindow(input: { id: $id, name: "Renamed" }) { id } }`,
    expected: ADMINS_ONLY,
  },
  deleteFreezeWindow: {
    setup: async () => ({ id: await addFreeze({ environmentType: "staging" }) }),
    query: `mutation($id: ID!) { deleteFreezeWindow(id: $id) { id } }`,
    expected: ADMINS_ONLY,
  },
  requestRulesChange: {
    setup: async () => {
      await addPolicy({ appliesTo: "production_only", requiredApprovals: 1, eligibleRoles: ["approver"] });
      return { stageId: PROD_STAGE };
    },
    query: `mutation($stageId: ID!) { requestRulesChange(stageId: $stageId, rules: []) { id } }`,
    expected: { ...ADMINS_ONLY, requester: null },
  },
  approveRequest: { setup: async () => ({ id: await requestByRequester() }), query: APPROVE, expected: VOTERS },
  rejectRequest: { setup: async () => ({ id: await requestByRequester() }), query: REJECT, expected: VOTERS },
  cancelApprovalRequest: {
    setup: async () => ({ id: await requestByRequester() }),
    query: `mutation($id: ID!) { cancelApprovalRequest(id: $id) { id status } }`,
    expected: { ...ADMINS_ONLY, requester: null },
  },
  applyApprovalRequest: {
    setup: async () => {
      const id = await requestByRequester();
      await addFreeze({ environmentId: DEMO_ENVIRONMENT_IDS.production });
      ok(await gql(APPROVE, { id }, await tokenOf("approver")));
      return { id, reason: "release train" };
    },
    query: APPLY,
    // An approver or the requester may apply, but only admins may override the freeze.
    expected: ADMINS_ONLY,
  },
  cancelScheduledChange: {
    setup: async () => {
      const created = ok(await gql(`mutation($input: CreateScheduledChangeInput!) { createScheduledChange(input: $input) { id } }`, {
        input: { featureId: DEMO_FEATURE_IDS.dark_mode, action: "set_rollout", runAt: new Date(Date.now() + 3600_000).toISOString(),
          ruleId: demoRuleId("dark_mode", "development"), percentage: 10 },
      }, await tokenOf("requester")));
      return { id: created.createScheduledChange.id };
    },
    query: `mutation($id: ID!) { cancelScheduledChange(id: $id) { id } }`,
    expected: { ...ADMINS_ONLY, requester: null },
  },
};

beforeEach(freshStart);

describe("delivery role matrix", () => {
  for (const [operation, spec] of Object.entries(CASES)) {
    for (const role of ALL_ROLES) {
      it(`${operation} as ${role}: ${spec.expected[role] ?? "allowed"}`, async () => {
        const variables = await spec.setup();
        const answer = await gql(spec.query, variables, await tokenOf(role));
        expect(codes(answer)).toEqual(spec.expected[role] ? [spec.expected[role]] : []);
      });
    }
    it(`${operation} anonymously: UNAUTHENTICATED`, async () => {
      expect(codes(await gql(spec.query, await spec.setup()))).toEqual(["UNAUTHENTICATED"]);
    });
  }
  it("reads the team id from the entity, not from an argument (outsider cannot list Acme's requests)", async () => {
    expect(codes(await gql(`query($t: ID!) { approvalRequests(teamId: $t) { nodes { id } } }`, { t: DEMO_TEAM_ID }, await tokenOf("outsider"))))
      .toEqual(["NOT_FOUND"]);
  });
});
