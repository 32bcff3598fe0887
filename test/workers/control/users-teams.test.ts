import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_CLIENT_IDS, DEMO_SECRET_HASHES, DEMO_TEAM_ID, DEMO_USER_IDS } from "../../../db/seed/demo-data";
import { clientKvKey } from "../../../protocol/delivery";
import { MAX_COST, MAX_DEPTH } from "../../../workers/admin/graphql/query-limits";
import { codes, gql, ok } from "./support/graphql";
import { loginAs, OUTSIDER_TEAM_ID, OUTSIDER_USER_ID, reseedControl } from "./support/sessions";

beforeEach(reseedControl);

describe("users", () => {
  it("a system admin lists every user by username, a page at a time", async () => {
    const { accessToken } = await loginAs("admin");
    const page = "query($after: String) { users(first: 4, after: $after) { totalCount nodes { username } pageInfo { hasNextPage endCursor } } }";
    const first = ok(await gql(page, {}, accessToken)).users;
    expect(first.totalCount).toBe(6);
    expect(first.nodes.map((u: { username: string }) => u.username)).toEqual(["admin", "approver", "outsider", "requester"]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = ok(await gql(page, { after: first.pageInfo.endCursor }, accessToken)).users;
    expect(second.nodes.map((u: { username: string }) => u.username)).toEqual(["teamadmin", "viewer"]);
    expect(second.pageInfo).toEqual({ hasNextPage: false, endCursor: second.pageInfo.endCursor });
  });

  it("rejects page sizes above 100 and foreign cursors with BAD_USER_INPUT", async () => {
    const { accessToken } = await loginAs("admin");
    const big = await gql("{ users(first: 101) { totalCount } }", {}, accessToken);
    expect(big.errors?.map((e) => [e.extensions?.code, e.extensions?.field, e.message])).toEqual([
      ["BAD_USER_INPUT", "first", "first must be an integer between 1 and 100"],
    ]);
    const cursor = await gql("{ users(after: \"bm9wZQ\") { totalCount } }", {}, accessToken);
    expect(cursor.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([["BAD_USER_INPUT", "after"]]);
  });

  it("createUser with a temporary password: the user must change it; audited without secrets", async () => {
    const { accessToken } = await loginAs("admin");
    const created = ok(await gql(`mutation { createUser(input: {
      username: "Newbie", email: "Newbie@Acme.test", displayName: "New Bie", temporaryPassword: "temporary-secret-1"
    }) { id username email displayName isSystemAdmin enabled mustChangePassword } }`, {}, accessToken)).createUser;
    expect(created).toMatchObject({
      username: "newbie", email: "newbie@acme.test", displayName: "New Bie", isSystemAdmin: false, enabled: true, mustChangePassword: true,
    });
    const session = await loginAs("admin");
    expect(session.userId).toBe(DEMO_USER_IDS.admin);
    const audit = await env.DB.prepare("SELECT action, actor_name, diff FROM audit_log WHERE entity_id = ?").bind(created.id).first<{ diff: string }>();
    expect(audit).toMatchObject({ action: "user.create", actor_name: "admin" });
    expect(audit!.diff).not.toContain("temporary-secret-1");
    expect(audit!.diff).not.toContain("pbkdf2");
  });

  it("createUser reports a taken username or email as CONFLICT and bad fields as BAD_USER_INPUT", async () => {
    const { accessToken } = await loginAs("admin");
    const taken = await gql("mutation { createUser(input: { username: \"viewer\", email: \"x@acme.test\" }) { id } }", {}, accessToken);
    expect(taken.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([["CONFLICT", "The username is taken"]]);
    const bad = await gql("mutation { createUser(input: { username: \"a b\", email: \"x@acme.test\" }) { id } }", {}, accessToken);
    expect(bad.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([["BAD_USER_INPUT", "input.username"]]);
  });

  it("a user edits their own email and display name, but not their admin flag", async () => {
    const { accessToken } = await loginAs("viewer");
    const mine = "mutation($id: ID!) { updateUser(id: $id, input: { displayName: \"Vee\", email: \"vee@acme.test\" }) { displayName email } }";
    expect(ok(await gql(mine, { id: DEMO_USER_IDS.viewer }, accessToken))).toEqual({ updateUser: { displayName: "Vee", email: "vee@acme.test" } });
    const promote = await gql("mutation($id: ID!) { updateUser(id: $id, input: { isSystemAdmin: true }) { id } }", { id: DEMO_USER_IDS.viewer }, accessToken);
    expect(promote.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([["FORBIDDEN", "Only a system admin may change isSystemAdmin"]]);
  });

  it("a system admin cannot disable or demote themself", async () => {
    const { accessToken } = await loginAs("admin");
    const answer = await gql("mutation($id: ID!) { disableUser(id: $id) { id } }", { id: DEMO_USER_IDS.admin }, accessToken);
    expect(answer.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([["BAD_USER_INPUT", "input.enabled"]]);
  });

  it("disabling a user ends their sessions and blocks their login", async () => {
    const viewer = await loginAs("viewer");
    const { accessToken } = await loginAs("admin");
    expect(ok(await gql("mutation($id: ID!) { disableUser(id: $id) { enabled } }", { id: DEMO_USER_IDS.viewer }, accessToken)))
      .toEqual({ disableUser: { enabled: false } });
    expect(codes(await gql("{ me { id } }", {}, viewer.accessToken))).toEqual(["UNAUTHENTICATED"]);
    await expect(loginAs("viewer")).rejects.toThrow("Invalid username, email or password");
  });

  it("members of a shared team see each other; others see nothing, as if the user did not exist", async () => {
    const viewer = await loginAs("viewer");
    const outsider = await loginAs("outsider");
    const user = "query($id: ID!) { user(id: $id) { username memberships { role team { name } } } }";
    expect(ok(await gql(user, { id: DEMO_USER_IDS.approver }, viewer.accessToken))).toEqual({
      user: { username: "approver", memberships: [{ role: "approver", team: { name: "Acme" } }] },
    });
    expect(codes(await gql(user, { id: DEMO_USER_IDS.approver }, outsider.accessToken))).toEqual(["NOT_FOUND"]);
    expect(codes(await gql(user, { id: OUTSIDER_USER_ID }, viewer.accessToken))).toEqual(["NOT_FOUND"]);
    expect(codes(await gql(user, { id: "00000000-0000-4000-8000-0000000fffff" }, viewer.accessToken))).toEqual(["NOT_FOUND"]);
  });
});

describe("teams", () => {
  const TEAMS = "{ teams { totalCount nodes { name myRole } } }";

  it("system admins see every team, members only their own", async () => {
    expect(ok(await gql(TEAMS, {}, (await loginAs("admin")).accessToken))).toEqual({
      teams: { totalCount: 2, nodes: [{ name: "Acme", myRole: null }, { name: "Globex", myRole: null }] },
    });
    expect(ok(await gql(TEAMS, {}, (await loginAs("approver")).accessToken))).toEqual({
      teams: { totalCount: 1, nodes: [{ name: "Acme", myRole: "approver" }] },
    });
    expect(ok(await gql(TEAMS, {}, (await loginAs("outsider")).accessToken))).toEqual({
      teams: { totalCount: 1, nodes: [{ name: "Globex", myRole: "team_admin" }] },
    });
  });

  it("lists a team's members with their users in a fixed number of queries", async () => {
    const { accessToken } = await loginAs("viewer");
    const answer = ok(await gql("query($id: ID!) { team(id: $id) { members { totalCount nodes { role user { username } } } } }",
      { id: DEMO_TEAM_ID }, accessToken));
    expect(answer.team.members).toEqual({
      totalCount: 4,
      nodes: [
        { role: "approver", user: { username: "approver" } }, { role: "requester", user: { username: "requester" } },
        { role: "team_admin", user: { username: "teamadmin" } }, { role: "viewer", user: { username: "viewer" } },
      ],
    });
  });

  it("pages the members of every listed team at once (one D1 round trip for all teams)", async () => {
    const { accessToken } = await loginAs("admin");
    const query = `query($after: String) { teams { nodes { name members(first: 2, after: $after) {
      totalCount nodes { role user { username } } pageInfo { hasNextPage } } } } }`;
    const first = ok(await gql(query, {}, accessToken)).teams.nodes;
    expect(first).toEqual([
      { name: "Acme", members: { totalCount: 4, pageInfo: { hasNextPage: true }, nodes: [
        { role: "approver", user: { username: "approver" } }, { role: "requester", user: { username: "requester" } },
      ] } },
      { name: "Globex", members: { totalCount: 1, pageInfo: { hasNextPage: false }, nodes: [
        { role: "team_admin", user: { username: "outsider" } },
      ] } },
    ]);
    const cursor = ok(await gql("{ team(id: \"" + DEMO_TEAM_ID + "\") { members(first: 2) { pageInfo { endCursor } } } }", {}, accessToken))
      .team.members.pageInfo.endCursor;
    const second = ok(await gql(query, { after: cursor }, accessToken)).teams.nodes;
    expect(second.map((t: any) => [t.name, t.members.nodes.map((m: any) => m.user.username), t.members.pageInfo.hasNextPage])).toEqual([
      ["Acme", ["teamadmin", "viewer"], false],
      ["Globex", [], false],
    ]);
  });

  it("createTeam and updateTeam: names are unique (CONFLICT) and required (BAD_USER_INPUT)", async () => {
    const { accessToken } = await loginAs("admin");
    const created = ok(await gql("mutation { createTeam(input: { name: \"Initech\", description: \"TPS\" }) { id name description } }", {}, accessToken)).createTeam;
    expect(created).toMatchObject({ name: "Initech", description: "TPS" });
    expect(codes(await gql("mutation { createTeam(input: { name: \"Acme\" }) { id } }", {}, accessToken))).toEqual(["CONFLICT"]);
    const blank = await gql("mutation($id: ID!) { updateTeam(id: $id, input: { name: \"  \" }) { id } }", { id: created.id }, accessToken);
    expect(blank.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([["BAD_USER_INPUT", "input.name"]]);
    const teamAdmin = await loginAs("teamadmin");
    expect(ok(await gql("mutation($id: ID!) { updateTeam(id: $id, input: { description: \"Roadrunner supplies\" }) { description } }",
      { id: DEMO_TEAM_ID }, teamAdmin.accessToken))).toEqual({ updateTeam: { description: "Roadrunner supplies" } });
  });

  it("deleteTeam removes the team with all it owns, and its clients stop authenticating", async () => {
    const { accessToken } = await loginAs("admin");
    expect(await env.FLAGS_KV.get(clientKvKey(DEMO_SECRET_HASHES.production))).not.toBeNull();
    expect(ok(await gql("mutation($id: ID!) { deleteTeam(id: $id) }", { id: DEMO_TEAM_ID }, accessToken))).toEqual({ deleteTeam: true });
    const left = await env.DB.prepare(
      "SELECT (SELECT count(*) FROM features) AS features, (SELECT count(*) FROM clients WHERE id = ?) AS clients, (SELECT count(*) FROM team_memberships WHERE team_id = ?) AS members",
    ).bind(DEMO_CLIENT_IDS.production, DEMO_TEAM_ID).first();
    expect(left).toEqual({ features: 0, clients: 0, members: 0 });
    expect(await env.FLAGS_KV.get(clientKvKey(DEMO_SECRET_HASHES.production))).toBeNull();
    expect(codes(await gql("query($id: ID!) { team(id: $id) { id } }", { id: DEMO_TEAM_ID }, accessToken))).toEqual(["NOT_FOUND"]);
  });
});

describe("memberships", () => {
  it("a team admin adds a user by email, changes the role and removes the member", async () => {
    const { accessToken } = await loginAs("teamadmin");
    const add = "mutation($team: ID!) { addTeamMember(input: { teamId: $team, user: \"Outsider@Globex.test\", role: viewer }) { role user { username } team { name } } }";
    expect(ok(await gql(add, { team: DEMO_TEAM_ID }, accessToken))).toEqual({
      addTeamMember: { role: "viewer", user: { username: "outsider" }, team: { name: "Acme" } },
    });
    expect(codes(await gql(add, { team: DEMO_TEAM_ID }, accessToken))).toEqual(["CONFLICT"]);
    const outsider = await loginAs("outsider");
    expect(ok(await gql("query($id: ID!) { team(id: $id) { myRole } }", { id: DEMO_TEAM_ID }, outsider.accessToken)))
      .toEqual({ team: { myRole: "viewer" } });
    ok(await gql("mutation($team: ID!, $user: ID!) { setMemberRole(teamId: $team, userId: $user, role: approver) { role } }",
      { team: DEMO_TEAM_ID, user: OUTSIDER_USER_ID }, accessToken));
    // Roles are read per request, not frozen in the token: the outsider's existing token sees the change.
    expect(ok(await gql("query($id: ID!) { team(id: $id) { myRole } }", { id: DEMO_TEAM_ID }, outsider.accessToken)))
      .toEqual({ team: { myRole: "approver" } });
    ok(await gql("mutation($team: ID!, $user: ID!) { removeTeamMember(teamId: $team, userId: $user) }",
      { team: DEMO_TEAM_ID, user: OUTSIDER_USER_ID }, accessToken));
    expect(codes(await gql("query($id: ID!) { team(id: $id) { myRole } }", { id: DEMO_TEAM_ID }, outsider.accessToken))).toEqual(["NOT_FOUND"]);
  });

  it("keeps at least one team admin", async () => {
    const { accessToken } = await loginAs("teamadmin");
    const demote = await gql("mutation($team: ID!, $user: ID!) { setMemberRole(teamId: $team, userId: $user, role: viewer) { role } }",
      { team: DEMO_TEAM_ID, user: DEMO_USER_IDS.teamadmin }, accessToken);
    expect(demote.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      ["CONFLICT", "A team needs at least one team admin; promote another member first"],
    ]);
    const remove = await gql("mutation($team: ID!, $user: ID!) { removeTeamMember(teamId: $team, userId: $user) }",
      { team: OUTSIDER_TEAM_ID, user: OUTSIDER_USER_ID }, (await loginAs("admin")).accessToken);
    expect(codes(remove)).toEqual(["CONFLICT"]);
  });

  it("rejects an unknown user and an unknown role", async () => {
    const { accessToken } = await loginAs("teamadmin");
    const unknown = await gql("mutation($team: ID!) { addTeamMember(input: { teamId: $team, user: \"ghost\", role: viewer }) { role } }",
      { team: DEMO_TEAM_ID }, accessToken);
    expect(unknown.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([["NOT_FOUND", "User not found"]]);
    const role = await gql("mutation($team: ID!) { addTeamMember(input: { teamId: $team, user: \"viewer\", role: owner }) { role } }",
      { team: DEMO_TEAM_ID }, accessToken);
    expect(role.errors?.[0]?.message).toBe('Value "owner" does not exist in "TeamRole" enum.');
  });
});

describe("query limits on /graphql", () => {
  it(`rejects a query deeper than ${MAX_DEPTH} before running it`, async () => {
    const { accessToken } = await loginAs("admin");
    const deep = "{ me { memberships { team { members(first: 1) { nodes { user { memberships { team { members(first: 1) { nodes { id: role } } } } } } } } } } }";
    const answer = await gql(deep, {}, accessToken);
    expect(answer.data).toBeUndefined();
    expect(answer.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      ["QUERY_TOO_DEEP", `Query depth limit of ${MAX_DEPTH} exceeded, found 11.`],
    ]);
  });

  it(`rejects a query costing more than ${MAX_COST}`, async () => {
    const { accessToken } = await loginAs("admin");
    const costly = "query($n: Int) { teams(first: 100) { nodes { members(first: $n) { nodes { role user { username } } } } } }";
    const answer = await gql(costly, { n: 100 }, accessToken);
    expect(answer.errors?.map((e) => e.extensions?.code)).toEqual(["QUERY_TOO_COSTLY"]);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ cost: 1 + 100 * (1 + 1 + 100 * (1 + 1 + 2)), maxCost: MAX_COST });
    expect(ok(await gql(costly, { n: 10 }, accessToken)).teams.nodes).toHaveLength(2);
  });
});
