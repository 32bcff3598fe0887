// The role matrix of docs/ROLES.md for identity, users, teams and memberships: every operation
// against every demo role and an outsider (team admin of another team). Outcomes: "ok", or the
// error code. Rule: system-admin-only operations answer FORBIDDEN to everyone else; team-scoped
// ones answer NOT_FOUND to non-members (the team's existence is not revealed) and FORBIDDEN to
// members whose role is not allowed.
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_TEAM_ID, DEMO_USER_IDS } from "../../../db/seed/demo-data";
import { gql } from "./support/graphql";
import { loginAs, OUTSIDER_USER_ID, reseedControl, type Role } from "./support/sessions";

type Outcome = "ok" | "FORBIDDEN" | "NOT_FOUND";
const ROLES: Role[] = ["admin", "teamadmin", "approver", "requester", "viewer", "outsider"];

interface Operation {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  expected: Record<Role, Outcome>;
}

const adminOnly: Record<Role, Outcome> = {
  admin: "ok", teamadmin: "FORBIDDEN", approver: "FORBIDDEN", requester: "FORBIDDEN", viewer: "FORBIDDEN", outsider: "FORBIDDEN",
};
const teamAdmins: Record<Role, Outcome> = {
  admin: "ok", teamadmin: "ok", approver: "FORBIDDEN", requester: "FORBIDDEN", viewer: "FORBIDDEN", outsider: "NOT_FOUND",
};
const teamMembers: Record<Role, Outcome> = {
  admin: "ok", teamadmin: "ok", approver: "ok", requester: "ok", viewer: "ok", outsider: "NOT_FOUND",
};
const everyone: Record<Role, Outcome> = {
  admin: "ok", teamadmin: "ok", approver: "ok", requester: "ok", viewer: "ok", outsider: "ok",
};

export const OPERATIONS: Operation[] = [
  { name: "me", query: "{ me { id } }", expected: everyone },
  { name: "mySessions", query: "{ mySessions { id current } }", expected: everyone },
  { name: "revokeOtherSessions", query: "mutation { revokeOtherSessions }", expected: everyone },
  { name: "rotateSigningKey", query: "mutation { rotateSigningKey { kid } }", expected: adminOnly },
  { name: "users", query: "{ users { totalCount } }", expected: adminOnly },
  {
    name: "user (a member of Acme)", query: "query($id: ID!) { user(id: $id) { id } }", variables: { id: DEMO_USER_IDS.requester },
    expected: teamMembers,
  },
  {
    name: "createUser", query: "mutation { createUser(input: { username: \"newbie\", email: \"newbie@acme.test\" }) { id } }",
    expected: adminOnly,
  },
  {
    name: "updateUser (the requester's display name)", query: "mutation($id: ID!) { updateUser(id: $id, input: { displayName: \"R\" }) { id } }",
    variables: { id: DEMO_USER_IDS.requester },
    expected: { ...teamMembers, teamadmin: "FORBIDDEN", approver: "FORBIDDEN", viewer: "FORBIDDEN" },
  },
  {
    name: "setTemporaryPassword", query: "mutation($id: ID!) { setTemporaryPassword(id: $id, temporaryPassword: \"temporary-secret-1\") { id } }",
    variables: { id: DEMO_USER_IDS.requester }, expected: adminOnly,
  },
  { name: "disableUser", query: "mutation($id: ID!) { disableUser(id: $id) { id } }", variables: { id: DEMO_USER_IDS.requester }, expected: adminOnly },
  { name: "teams", query: "{ teams { totalCount } }", expected: everyone },
  { name: "team (Acme)", query: "query($id: ID!) { team(id: $id) { id } }", variables: { id: DEMO_TEAM_ID }, expected: teamMembers },
  {
    name: "team.members (Acme)", query: "query($id: ID!) { team(id: $id) { members { totalCount } } }", variables: { id: DEMO_TEAM_ID },
    expected: teamMembers,
  },
  { name: "createTeam", query: "mutation { createTeam(input: { name: \"Initech\" }) { id } }", expected: adminOnly },
  {
    name: "updateTeam (Acme)", query: "mutation($id: ID!) { updateTeam(id: $id, input: { description: \"d\" }) { id } }",
    variables: { id: DEMO_TEAM_ID }, expected: teamAdmins,
  },
  { name: "deleteTeam (Acme)", query: "mutation($id: ID!) { deleteTeam(id: $id) }", variables: { id: DEMO_TEAM_ID }, expected: adminOnly },
  {
    name: "addTeamMember (Acme)", query: "mutation($team: ID!, $user: String!) { addTeamMember(input: { teamId: $team, user: $user, role: viewer }) { role } }",
    variables: { team: DEMO_TEAM_ID, user: OUTSIDER_USER_ID }, expected: teamAdmins,
  },
  {
    name: "setMemberRole (Acme)", query: "mutation($team: ID!, $user: ID!) { setMemberRole(teamId: $team, userId: $user, role: requester) { role } }",
    variables: { team: DEMO_TEAM_ID, user: DEMO_USER_IDS.viewer }, expected: teamAdmins,
  },
  {
    name: "removeTeamMember (Acme)", query: "mutation($team: ID!, $user: ID!) { removeTeamMember(teamId: $team, userId: $user) }",
    variables: { team: DEMO_TEAM_ID, user: DEMO_USER_IDS.viewer }, expected: teamAdmins,
  },
];

beforeEach(reseedControl);

describe.each(OPERATIONS)("$name", (operation) => {
  it.each(ROLES)("as %s", async (role) => {
    const { accessToken } = await loginAs(role);
    const answer = await gql(operation.query, operation.variables, accessToken);
    const outcome = answer.errors?.length ? answer.errors.map((e) => e.extensions?.code).join(",") : "ok";
    expect(outcome).toBe(operation.expected[role]);
  });

  it("anonymously: UNAUTHENTICATED", async () => {
    const answer = await gql(operation.query, operation.variables);
    expect(answer.errors?.map((e) => e.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
  });
});
