// Automation tokens through /graphql: a team admin creates one (the token returned once, stored as
// SHA-256), lists and revokes them; a request bearing `fga_…` acts as a viewer (admin:read) or a
// requester (flag:write) of that one team, never more; revoked or expired tokens are refused.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_TEAM_ID, DEMO_USER_IDS, demoStageId } from "../../../db/seed/demo-data";
import { sha256Hex } from "../../../protocol/secret-hash";
import { as, failure, pristine, ROLES } from "./support/config";
import { APPROVE } from "./support/governance";
import { codes, gql, ok } from "./support/graphql";
import { OUTSIDER_TEAM_ID, type Role } from "./support/sessions";

const CREATE = `mutation($input: CreateAutomationTokenInput!) {
  createAutomationToken(input: $input) { token automationToken { id teamId name scopes tokenPrefix expiresAt revokedAt lastUsedAt } }
}`;
const LIST = `query($teamId: ID!) { automationTokens(teamId: $teamId) { nodes { id name scopes tokenPrefix revokedAt lastUsedAt } } }`;
const REVOKE = `mutation($id: ID!) { revokeAutomationToken(id: $id) { id revokedAt } }`;
const SET_RULES = `mutation($stageId: ID!) { setStageRules(stageId: $stageId, rules: []) { id rules { id } } }`;
const FEATURES = `query($teamId: ID!) { features(teamId: $teamId) { nodes { key } } }`;
const BETA_DEV = demoStageId("BetaUsers", "development");
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

async function createToken(scopes: string[], { role = "teamadmin" as Role, teamId = DEMO_TEAM_ID, name = "ci" } = {}) {
  return ok(await as(role, CREATE, { input: { teamId, name, scopes, expiresAt: inDays(30) } })).createAutomationToken as {
    token: string; automationToken: { id: string; teamId: string; name: string; scopes: string[]; tokenPrefix: string; expiresAt: string; revokedAt: string | null; lastUsedAt: string | null };
  };
}

const tokenRow = (id: string) =>
  env.DB.prepare("SELECT token_hash, token_prefix, scopes, last_used_at, revoked_at FROM automation_tokens WHERE id = ?").bind(id)
    .first<{ token_hash: string; token_prefix: string; scopes: string; last_used_at: number | null; revoked_at: number | null }>();

beforeEach(pristine);

describe("automation tokens", { timeout: 30_000 }, () => {
  it("are returned once at creation and stored only as SHA-256 with a display prefix", async () => {
    const expiresAt = inDays(90);
    const created = ok(await as("teamadmin", CREATE, { input: { teamId: DEMO_TEAM_ID, name: "deploy bot", scopes: ["flag_write", "admin_read"], expiresAt } })).createAutomationToken;
    expect(created.token).toMatch(/^fga_[A-Za-z0-9_-]{43}$/);
    expect(created.automationToken).toEqual({
      id: expect.any(String), teamId: DEMO_TEAM_ID, name: "deploy bot", scopes: ["admin_read", "flag_write"],
      tokenPrefix: created.token.slice(0, 12), expiresAt, revokedAt: null, lastUsedAt: null,
    });
    const row = await tokenRow(created.automationToken.id);
    expect(row).toEqual({
      token_hash: await sha256Hex(created.token), token_prefix: created.token.slice(0, 12),
      scopes: '["admin:read","flag:write"]', last_used_at: null, revoked_at: null,
    });
  });

  it("are listed without their secret", async () => {
    const { token, automationToken } = await createToken(["admin_read"]);
    const list = await as("teamadmin", LIST, { teamId: DEMO_TEAM_ID });
    expect(ok(list).automationTokens.nodes).toEqual([
      { id: automationToken.id, name: "ci", scopes: ["admin_read"], tokenPrefix: token.slice(0, 12), revokedAt: null, lastUsedAt: null },
    ]);
    expect(JSON.stringify(list)).not.toContain(token);
    expect(failure(await gql(`query($t: ID!) { automationTokens(teamId: $t) { nodes { token } } }`, { t: DEMO_TEAM_ID }, token)).code)
      .toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("refuse an expiry further than a year ahead, in the past, or missing scopes", async () => {
    const attempt = (input: Record<string, unknown>) => as("teamadmin", CREATE, { input: { teamId: DEMO_TEAM_ID, name: "x", scopes: ["admin_read"], expiresAt: inDays(30), ...input } });
    expect(failure(await attempt({ expiresAt: inDays(367) }))).toEqual({ code: "BAD_USER_INPUT", field: "input.expiresAt" });
    expect(failure(await attempt({ expiresAt: inDays(-1) }))).toEqual({ code: "BAD_USER_INPUT", field: "input.expiresAt" });
    expect(failure(await attempt({ scopes: [] }))).toEqual({ code: "BAD_USER_INPUT", field: "input.scopes" });
  });

  it("with flag:write change the rules of their team's features, but are NOT_FOUND on another team's", async () => {
    const { token } = await createToken(["flag_write"]);
    expect(ok(await gql(SET_RULES, { stageId: BETA_DEV }, token)).setStageRules).toEqual({ id: BETA_DEV, rules: [] });
    const audit = await env.DB.prepare("SELECT actor_name FROM audit_log WHERE entity_id = ? AND action = 'stage.set_rules'").bind(BETA_DEV).first();
    expect(audit).toEqual({ actor_name: "token:ci" });

    const globex = await createToken(["flag_write", "admin_read"], { role: "outsider", teamId: OUTSIDER_TEAM_ID });
    expect(failure(await gql(SET_RULES, { stageId: BETA_DEV }, globex.token)).code).toBe("NOT_FOUND");
    expect(failure(await gql(FEATURES, { teamId: DEMO_TEAM_ID }, globex.token)).code).toBe("NOT_FOUND");
  });

  it("with flag:write request a rules change like a requester, approved by the team's admins, never by the token", async () => {
    const { token, automationToken } = await createToken(["flag_write"]);
    const prodStage = demoStageId("BetaUsers", "production");
    const request = ok(await gql(`mutation($s: ID!) { requestRulesChange(stageId: $s, rules: [], comment: "ci") { id status eligibleUserIds } }`,
      { s: prodStage }, token)).requestRulesChange;
    expect(request).toEqual({ id: expect.any(String), status: "pending", eligibleUserIds: [DEMO_USER_IDS.teamadmin] });
    const serviceUser = await env.DB.prepare("SELECT user_id FROM automation_tokens WHERE id = ?").bind(automationToken.id).first<string>("user_id");
    expect(await env.DB.prepare("SELECT requested_by FROM approval_requests WHERE id = ?").bind(request.id).first<string>("requested_by")).toBe(serviceUser);
    expect(failure(await gql(APPROVE, { id: request.id }, token)).code).toBe("FORBIDDEN");
    expect(ok(await as("teamadmin", APPROVE, { id: request.id })).approveRequest.status).toBe("applied");
  });

  it("with admin:read only query their team but every mutation is FORBIDDEN", async () => {
    const { token } = await createToken(["admin_read"]);
    const keys = ok(await gql(FEATURES, { teamId: DEMO_TEAM_ID }, token)).features.nodes.map((f: { key: string }) => f.key);
    expect(keys).toContain("BetaUsers");
    expect(failure(await gql(SET_RULES, { stageId: BETA_DEV }, token)).code).toBe("FORBIDDEN");
  });

  it("never manage tokens, clients or memberships, nor act on their service user, whatever their scopes", async () => {
    const { token, automationToken } = await createToken(["flag_write", "admin_read"]);
    expect(failure(await gql(CREATE, { input: { teamId: DEMO_TEAM_ID, name: "more", scopes: ["flag_write"], expiresAt: inDays(1) } }, token)).code).toBe("FORBIDDEN");
    expect(failure(await gql(REVOKE, { id: automationToken.id }, token)).code).toBe("FORBIDDEN");
    expect(failure(await gql(LIST, { teamId: DEMO_TEAM_ID }, token)).code).toBe("FORBIDDEN");
    expect(failure(await gql(`mutation($t: ID!, $e: ID!) { createClient(input: { teamId: $t, environmentId: $e, name: "x" }) { secret } }`,
      { t: DEMO_TEAM_ID, e: "00000000-0000-4000-8000-0000000000e1" }, token)).code).toBe("FORBIDDEN");
    expect(failure(await gql(`mutation($t: ID!, $u: ID!) { removeTeamMember(teamId: $t, userId: $u) }`,
      { t: DEMO_TEAM_ID, u: DEMO_USER_IDS.viewer }, token)).code).toBe("FORBIDDEN");
    const serviceUser = (await env.DB.prepare("SELECT user_id FROM automation_tokens WHERE id = ?").bind(automationToken.id).first<string>("user_id"))!;
    expect(failure(await gql(`mutation($id: ID!) { updateUser(id: $id, input: { displayName: "me" }) { id } }`, { id: serviceUser }, token)).code).toBe("FORBIDDEN");
  });

  it("are UNAUTHENTICATED once revoked or expired, and for an unknown fga_ token", async () => {
    const revoked = await createToken(["admin_read"], { name: "revoked" });
    const expired = await createToken(["admin_read"], { name: "expired" });
    expect(ok(await gql(FEATURES, { teamId: DEMO_TEAM_ID }, revoked.token)).features.nodes.length).toBeGreaterThan(0);
    expect(ok(await as("teamadmin", REVOKE, { id: revoked.automationToken.id })).revokeAutomationToken.revokedAt).toEqual(expect.any(String));
    await env.DB.prepare("UPDATE automation_tokens SET expires_at = ? WHERE id = ?").bind(Date.now() - 1000, expired.automationToken.id).run();
    for (const token of [revoked.token, expired.token, "fga_unknown"]) {
      expect(codes(await gql(FEATURES, { teamId: DEMO_TEAM_ID }, token))).toEqual(["UNAUTHENTICATED"]);
    }
  });

  it("record their last use at most once a minute", async () => {
    const { token, automationToken } = await createToken(["admin_read"]);
    ok(await gql(FEATURES, { teamId: DEMO_TEAM_ID }, token));
    const first = (await tokenRow(automationToken.id))!.last_used_at;
    expect(first).toBeGreaterThan(Date.now() - 10_000);
    ok(await gql(FEATURES, { teamId: DEMO_TEAM_ID }, token));
    expect((await tokenRow(automationToken.id))!.last_used_at).toBe(first);
    await env.DB.prepare("UPDATE automation_tokens SET last_used_at = ? WHERE id = ?").bind(first! - 61_000, automationToken.id).run();
    ok(await gql(FEATURES, { teamId: DEMO_TEAM_ID }, token));
    expect((await tokenRow(automationToken.id))!.last_used_at).toBeGreaterThanOrEqual(first!);
  });

  it.each(ROLES.map((role) => [role, role === "admin" || role === "teamadmin"] as const))(
    "may be created, listed and revoked by %s: %s", async (role, allowed) => {
      const attempt = await as(role, CREATE, { input: { teamId: DEMO_TEAM_ID, name: `by-${role}`, scopes: ["admin_read"], expiresAt: inDays(30) } });
      const { automationToken } = await createToken(["admin_read"], { name: "target" });
      const list = await as(role, LIST, { teamId: DEMO_TEAM_ID });
      const revoke = await as(role, REVOKE, { id: automationToken.id });
      if (allowed) {
        expect(ok(attempt).createAutomationToken.automationToken.name).toBe(`by-${role}`);
        expect(ok(list).automationTokens.nodes.map((n: { name: string }) => n.name)).toEqual([`by-${role}`, "target"]);
        expect(ok(revoke).revokeAutomationToken.id).toBe(automationToken.id);
      } else {
        const expected = role === "outsider" ? "NOT_FOUND" : "FORBIDDEN";
        expect([failure(attempt).code, failure(list).code, failure(revoke).code]).toEqual([expected, expected, expected]);
        expect((await tokenRow(automationToken.id))!.revoked_at).toBeNull();
      }
    });

  it("audit their creation and revocation without the secret or its hash", async () => {
    const { token, automationToken } = await createToken(["flag_write"]);
    ok(await as("admin", REVOKE, { id: automationToken.id }));
    const rows = (await env.DB.prepare("SELECT team_id, actor_id, actor_name, action, entity_type, diff FROM audit_log WHERE entity_id = ? ORDER BY created_at, action")
      .bind(automationToken.id).all<{ team_id: string; actor_id: string; actor_name: string; action: string; entity_type: string; diff: string }>()).results;
    expect(rows.map(({ diff: _diff, ...row }) => row)).toEqual([
      { team_id: DEMO_TEAM_ID, actor_id: DEMO_USER_IDS.teamadmin, actor_name: "teamadmin", action: "automation_token.create", entity_type: "automation_token" },
      { team_id: DEMO_TEAM_ID, actor_id: DEMO_USER_IDS.admin, actor_name: "admin", action: "automation_token.revoke", entity_type: "automation_token" },
    ]);
    const revoke = JSON.parse(rows[1]!.diff);
    expect(revoke.before.revokedAt).toBeNull();
    expect(revoke.after).toMatchObject({ name: "ci", scopes: ["flag:write"], tokenPrefix: token.slice(0, 12), revokedAt: expect.any(String) });
    for (const row of rows) {
      expect(row.diff).not.toContain(token);
      expect(row.diff).not.toContain(await sha256Hex(token));
    }
  });
});
