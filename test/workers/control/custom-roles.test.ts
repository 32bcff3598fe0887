// Custom roles through /graphql: a team's named member groups (create, rename, assign, unassign,
// delete), usable by approval policies as approver sets (their members become eligible approvers,
// resolved when a request is made, current team members only), granting no permission otherwise;
// bad inputs with field paths; who may call.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_TEAM_ID, DEMO_USER_IDS, demoStageId } from "../../../db/seed/demo-data";
import { ALL_ROLES, freshStart, tokenOf } from "./support/actors";
import { addPolicy, APPROVE, REQUEST_ROLLBACK } from "./support/governance";
import { codes, gql, ok, type GraphQLAnswer } from "./support/graphql";
import { OUTSIDER_TEAM_ID, OUTSIDER_USER_ID, type Role } from "./support/sessions";

const ROLE_FIELDS = "id teamId name description memberIds";
const LIST = `query($t: ID!) { customRoles(teamId: $t) { ${ROLE_FIELDS} } }`;
const CREATE = `mutation($input: CreateCustomRoleInput!) { createCustomRole(input: $input) { ${ROLE_FIELDS} } }`;
const UPDATE = `mutation($input: UpdateCustomRoleInput!) { updateCustomRole(input: $input) { ${ROLE_FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteCustomRole(id: $id) { id name memberIds } }`;
const ASSIGN = `mutation($r: ID!, $u: ID!) { assignCustomRole(roleId: $r, userId: $u) { memberIds } }`;
const UNASSIGN = `mutation($r: ID!, $u: ID!) { unassignCustomRole(roleId: $r, userId: $u) { memberIds } }`;
const SET_POLICY_ROLES = `mutation($p: ID!, $r: [ID!]!) { setApprovalPolicyCustomRoles(policyId: $p, roleIds: $r) { id eligibleCustomRoles { id name memberIds } } }`;
const POLICIES = `query($t: ID!) { approvalPolicies(teamId: $t) { name eligibleCustomRoles { name memberIds } } }`;

const as = async (role: Role, query: string, variables: Record<string, unknown> = {}) => gql(query, variables, await tokenOf(role));
function failure(answer: GraphQLAnswer) {
  expect(answer.errors?.length, JSON.stringify(answer.errors ?? answer.data)).toBe(1);
  const { code, field } = answer.errors![0]!.extensions ?? {};
  return field === undefined ? { code } : { code, field };
}
async function newRole(name = "Security reviewers", members: string[] = []): Promise<string> {
  const id = ok(await as("teamadmin", CREATE, { input: { teamId: DEMO_TEAM_ID, name, description: "Reviews risky changes" } })).createCustomRole.id;
  for (const userId of members) ok(await as("teamadmin", ASSIGN, { r: id, u: userId }));
  return id;
}

beforeEach(freshStart);

describe("custom roles", () => {
  it("are created, renamed, given members and deleted by team admins, read by every member, audited", async () => {
    const created = ok(await as("teamadmin", CREATE, { input: { teamId: DEMO_TEAM_ID, name: "Security reviewers" } })).createCustomRole;
    expect(created).toEqual({ id: expect.any(String), teamId: DEMO_TEAM_ID, name: "Security reviewers", description: "", memberIds: [] });
    const members = [DEMO_USER_IDS.viewer, DEMO_USER_IDS.approver].sort();
    ok(await as("teamadmin", ASSIGN, { r: created.id, u: DEMO_USER_IDS.viewer }));
    expect(ok(await as("teamadmin", ASSIGN, { r: created.id, u: DEMO_USER_IDS.approver })).assignCustomRole.memberIds).toEqual(members);
    expect(ok(await as("teamadmin", ASSIGN, { r: created.id, u: DEMO_USER_IDS.approver })).assignCustomRole.memberIds).toEqual(members); // idempotent
    expect(ok(await as("teamadmin", UPDATE, { input: { id: created.id, name: "SecOps" } })).updateCustomRole)
      .toMatchObject({ name: "SecOps", description: "", memberIds: members });
    expect(ok(await as("viewer", LIST, { t: DEMO_TEAM_ID })).customRoles).toEqual([{ ...created, name: "SecOps", memberIds: members }]);
    expect(ok(await as("teamadmin", UNASSIGN, { r: created.id, u: DEMO_USER_IDS.viewer })).unassignCustomRole.memberIds).toEqual([DEMO_USER_IDS.approver]);
    expect(ok(await as("teamadmin", DELETE, { id: created.id })).deleteCustomRole).toEqual({ id: created.id, name: "SecOps", memberIds: [DEMO_USER_IDS.approver] });
    expect(ok(await as("viewer", LIST, { t: DEMO_TEAM_ID })).customRoles).toEqual([]);
    const actions = await env.DB.prepare("SELECT action FROM audit_log WHERE entity_id = ? ORDER BY created_at, rowid").bind(created.id).all();
    expect(actions.results.map((r) => r.action)).toEqual([
      "custom_role.create", "custom_role.assign", "custom_role.assign", "custom_role.assign", "custom_role.update", "custom_role.unassign", "custom_role.delete",
    ]);
  });

  it("refuse bad input with the field path, duplicates with CONFLICT, members of other teams", async () => {
    const id = await newRole();
    expect(failure(await as("teamadmin", CREATE, { input: { teamId: DEMO_TEAM_ID, name: "  " } }))).toEqual({ code: "BAD_USER_INPUT", field: "input.name" });
    expect(failure(await as("teamadmin", CREATE, { input: { teamId: DEMO_TEAM_ID, name: "Security reviewers" } }))).toEqual({ code: "CONFLICT" });
    expect(failure(await as("teamadmin", UPDATE, { input: { id, description: "x".repeat(501) } }))).toEqual({ code: "BAD_USER_INPUT", field: "input.description" });
    expect(failure(await as("teamadmin", ASSIGN, { r: id, u: OUTSIDER_USER_ID }))).toEqual({ code: "BAD_USER_INPUT", field: "userId" });
    expect(failure(await as("teamadmin", ASSIGN, { r: "no-such-role", u: DEMO_USER_IDS.viewer }))).toEqual({ code: "NOT_FOUND" });
  });

  it("make their members eligible approvers of a policy naming them; a viewer so named approves, and gains nothing else", async () => {
    const roleId = await newRole("Security reviewers", [DEMO_USER_IDS.viewer]);
    const policyId = await addPolicy({ appliesTo: "production_only", requiredApprovals: 1, eligibleRoles: ["approver"] });
    const set = ok(await as("teamadmin", SET_POLICY_ROLES, { p: policyId, r: [roleId] })).setApprovalPolicyCustomRoles;
    expect(set).toEqual({ id: policyId, eligibleCustomRoles: [{ id: roleId, name: "Security reviewers", memberIds: [DEMO_USER_IDS.viewer] }] });
    expect(ok(await as("viewer", POLICIES, { t: DEMO_TEAM_ID })).approvalPolicies)
      .toEqual([{ name: "Production gate", eligibleCustomRoles: [{ name: "Security reviewers", memberIds: [DEMO_USER_IDS.viewer] }] }]);

    const stageId = demoStageId("dark_mode", "production");
    const request = ok(await as("requester", REQUEST_ROLLBACK, { stageId })).requestRollback.request;
    expect(request.eligibleUserIds).toEqual([DEMO_USER_IDS.approver, DEMO_USER_IDS.viewer].sort());
    expect(ok(await as("viewer", APPROVE, { id: request.id })).approveRequest.status).toBe("applied");
    // Still a viewer for everything else.
    expect(codes(await as("viewer", `mutation($s: ID!) { setStageRules(stageId: $s, rules: []) { id } }`, { s: demoStageId("dark_mode", "development") })))
      .toEqual(["FORBIDDEN"]);
    expect(codes(await as("viewer", DELETE, { id: roleId }))).toEqual(["FORBIDDEN"]);
  });

  it("count only current members of the team, resolved when the request is made; clearing the policy's roles removes them", async () => {
    const roleId = await newRole("Security reviewers", [DEMO_USER_IDS.viewer]);
    const policyId = await addPolicy({ appliesTo: "production_only", requiredApprovals: 1, eligibleRoles: ["approver"] });
    ok(await as("teamadmin", SET_POLICY_ROLES, { p: policyId, r: [roleId] }));
    await env.DB.prepare("DELETE FROM team_memberships WHERE team_id = ? AND user_id = ?").bind(DEMO_TEAM_ID, DEMO_USER_IDS.viewer).run();
    const first = ok(await as("requester", REQUEST_ROLLBACK, { stageId: demoStageId("dark_mode", "production") })).requestRollback.request;
    expect(first.eligibleUserIds).toEqual([DEMO_USER_IDS.approver]);
    await env.DB.prepare("INSERT INTO team_memberships (team_id, user_id, role, created_at) VALUES (?, ?, 'viewer', 0)").bind(DEMO_TEAM_ID, DEMO_USER_IDS.viewer).run();
    expect(ok(await as("teamadmin", SET_POLICY_ROLES, { p: policyId, r: [] })).setApprovalPolicyCustomRoles.eligibleCustomRoles).toEqual([]);
    const second = ok(await as("requester", REQUEST_ROLLBACK, { stageId: demoStageId("BetaUsers", "production") })).requestRollback.request;
    expect(second.eligibleUserIds).toEqual([DEMO_USER_IDS.approver]);
  });

  it("deleting a role takes it off every policy naming it", async () => {
    const roleId = await newRole("Security reviewers", [DEMO_USER_IDS.viewer]);
    const policyId = await addPolicy({ appliesTo: "production_only", requiredApprovals: 1, eligibleRoles: ["approver"] });
    ok(await as("teamadmin", SET_POLICY_ROLES, { p: policyId, r: [roleId] }));
    ok(await as("teamadmin", DELETE, { id: roleId }));
    expect(ok(await as("viewer", POLICIES, { t: DEMO_TEAM_ID })).approvalPolicies).toEqual([{ name: "Production gate", eligibleCustomRoles: [] }]);
    const request = ok(await as("requester", REQUEST_ROLLBACK, { stageId: demoStageId("dark_mode", "production") })).requestRollback.request;
    expect(request.eligibleUserIds).toEqual([DEMO_USER_IDS.approver]);
  });

  it("a policy takes only custom roles of its own team", async () => {
    const roleId = await newRole();
    const policyId = await addPolicy({ appliesTo: "all", requiredApprovals: 1, eligibleRoles: ["approver"] });
    const foreign = ok(await as("outsider", CREATE, { input: { teamId: OUTSIDER_TEAM_ID, name: "Theirs" } })).createCustomRole.id;
    expect(failure(await as("teamadmin", SET_POLICY_ROLES, { p: policyId, r: [roleId, foreign] }))).toEqual({ code: "BAD_USER_INPUT", field: "roleIds.1" });
    expect(failure(await as("teamadmin", SET_POLICY_ROLES, { p: policyId, r: [roleId, roleId] }))).toEqual({ code: "BAD_USER_INPUT", field: "roleIds.1" });
    expect(failure(await as("outsider", SET_POLICY_ROLES, { p: policyId, r: [foreign] }))).toEqual({ code: "NOT_FOUND" });
    expect(failure(await as("outsider", ASSIGN, { r: roleId, u: OUTSIDER_USER_ID }))).toEqual({ code: "NOT_FOUND" });
  });
});

describe("who may manage custom roles", () => {
  const MANAGE: Record<Role, string | null> = { admin: null, teamadmin: null, approver: "FORBIDDEN", requester: "FORBIDDEN", viewer: "FORBIDDEN", outsider: "NOT_FOUND" };
  const expect1 = (answer: GraphQLAnswer, code: string | null) => expect(codes(answer)).toEqual(code ? [code] : []);
  for (const role of ALL_ROLES) {
    it(`as ${role}: read ${role === "outsider" ? "NOT_FOUND" : "allowed"}, manage ${MANAGE[role] ?? "allowed"}`, async () => {
      const roleId = await newRole("Existing");
      const policyId = await addPolicy({ appliesTo: "all", requiredApprovals: 1, eligibleRoles: ["approver"] });
      expect1(await as(role, LIST, { t: DEMO_TEAM_ID }), role === "outsider" ? "NOT_FOUND" : null);
      expect1(await as(role, CREATE, { input: { teamId: DEMO_TEAM_ID, name: `by-${role}` } }), MANAGE[role]);
      expect1(await as(role, UPDATE, { input: { id: roleId, description: "changed" } }), MANAGE[role]);
      expect1(await as(role, ASSIGN, { r: roleId, u: DEMO_USER_IDS.viewer }), MANAGE[role]);
      expect1(await as(role, UNASSIGN, { r: roleId, u: DEMO_USER_IDS.viewer }), MANAGE[role]);
      expect1(await as(role, SET_POLICY_ROLES, { p: policyId, r: [roleId] }), MANAGE[role]);
      expect1(await as(role, DELETE, { id: roleId }), MANAGE[role]);
    });
  }
  it("anonymously: UNAUTHENTICATED", async () => {
    const roleId = await newRole("Existing");
    for (const [query, variables] of [
      [LIST, { t: DEMO_TEAM_ID }], [CREATE, { input: { teamId: DEMO_TEAM_ID, name: "anon" } }], [UPDATE, { input: { id: roleId } }],
      [ASSIGN, { r: roleId, u: DEMO_USER_IDS.viewer }], [UNASSIGN, { r: roleId, u: DEMO_USER_IDS.viewer }], [DELETE, { id: roleId }],
      [SET_POLICY_ROLES, { p: "x", r: [] }],
    ] as const) {
      expect(codes(await gql(query, variables))).toEqual(["UNAUTHENTICATED"]);
    }
  });
});
