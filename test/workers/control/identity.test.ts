import { env } from "cloudflare:workers";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, DEMO_PASSWORD_HASHES, DEMO_USER_IDS, DEMO_USER_NAMES } from "../../../db/seed/demo-data";
import { controlYoga } from "../../../workers/admin/graphql/yoga";
import { controlDeps } from "../../../workers/admin/core/deps";
import { hashPassword, PBKDF2_ITERATIONS, verifyPassword } from "../../../workers/admin/identity/passwords";
import { MIN_SETUP_SECRET_LENGTH } from "../../../workers/admin/identity/setup-secret";
import { issueAccessToken, TOKEN_AUDIENCE, TOKEN_ISSUER } from "../../../workers/admin/identity/tokens";
import { clearDatabase } from "../support/seed-demo";
import { codes, gql, ok } from "./support/graphql";
import { LOGIN, loginAs, REFRESH, reseedControl } from "./support/sessions";

const ME = "{ me { id username mustChangePassword } }";
const BOOTSTRAP = /* GraphQL */ `
  mutation($input: BootstrapAdminInput!) { bootstrapAdmin(input: $input) { id username email isSystemAdmin mustChangePassword } }`;

describe("passwords", () => {
  it("are PBKDF2-SHA-256 with 100,000 iterations and a random 16-byte salt", async () => {
    const encoded = await hashPassword("correct horse battery");
    expect(encoded).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(PBKDF2_ITERATIONS).toBe(100_000);
    expect(await hashPassword("correct horse battery")).not.toBe(encoded);
    expect(await verifyPassword("correct horse battery", encoded)).toBe(true);
    expect(await verifyPassword("correct horse batterY", encoded)).toBe(false);
    expect(await verifyPassword("x", "pbkdf2-sha256$999999$AAAA$AAAA")).toBe(false);
    expect(await verifyPassword("x", "garbage")).toBe(false);
  });

  it.each(DEMO_USER_NAMES)("the demo hash of %s matches the demo password", async (name) => {
    expect(await verifyPassword(DEMO_PASSWORD, DEMO_PASSWORD_HASHES[name])).toBe(true);
  });
});

describe("bootstrap", () => {
  beforeEach(() => clearDatabase(env.DB));

  it("creates the first system admin anonymously, exactly once", async () => {
    expect(ok(await gql("{ bootstrapStatus { needsBootstrap } }"))).toEqual({ bootstrapStatus: { needsBootstrap: true } });
    const input = { username: "Root", email: "root@example.test", password: "a-long-first-password" };
    const admin = ok(await gql(BOOTSTRAP, { input })).bootstrapAdmin;
    expect(admin).toMatchObject({ username: "root", email: "root@example.test", isSystemAdmin: true, mustChangePassword: false });
    expect(ok(await gql("{ bootstrapStatus { needsBootstrap } }"))).toEqual({ bootstrapStatus: { needsBootstrap: false } });
    const second = await gql(BOOTSTRAP, { input: { ...input, username: "intruder", email: "intruder@example.test" } });
    expect(second.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      ["FORBIDDEN", "An administrator already exists; bootstrap is closed"],
    ]);
    const session = ok(await gql(LOGIN, { login: "root", password: "a-long-first-password" })).login;
    expect(session.user.id).toBe(admin.id);
    const audit = await env.DB.prepare("SELECT action, actor_id, entity_id FROM audit_log").all();
    expect(audit.results).toEqual([{ action: "user.bootstrap_admin", actor_id: admin.id, entity_id: admin.id }]);
  });

  it("lets only one of two concurrent bootstraps win", async () => {
    const attempts = await Promise.all(["one", "two", "three"].map((name) =>
      gql(BOOTSTRAP, { input: { username: name, email: `${name}@example.test`, password: "a-long-first-password" } })));
    expect(attempts.filter((a) => a.data?.bootstrapAdmin).length).toBe(1);
    expect(attempts.flatMap(codes).sort()).toEqual(["FORBIDDEN", "FORBIDDEN"]);
    const admins = await env.DB.prepare("SELECT count(*) AS n FROM users WHERE is_system_admin = 1").first();
    expect(admins).toEqual({ n: 1 });
  });

  it("is closed when the demo admin exists", async () => {
    await reseedControl();
    const answer = await gql(BOOTSTRAP, { input: { username: "late", email: "late@example.test", password: "a-long-first-password" } });
    expect(codes(answer)).toEqual(["FORBIDDEN"]);
  });

  it("validates its input with BAD_USER_INPUT and the field path", async () => {
    const short = await gql(BOOTSTRAP, { input: { username: "root", email: "root@example.test", password: "short" } });
    expect(short.errors?.map((e) => [e.extensions?.code, e.extensions?.field, e.message])).toEqual([
      ["BAD_USER_INPUT", "input.password", "input.password: must be at least 12 characters long"],
    ]);
    const email = await gql(BOOTSTRAP, { input: { username: "root", email: "not-an-email", password: "a-long-first-password" } });
    expect(email.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([["BAD_USER_INPUT", "input.email"]]);
  });
});

describe("bootstrap outside development", () => {
  beforeEach(() => clearDatabase(env.DB));

  const SECRET = "s3tup-secret-from-wrangler-secret-put";
  const input = { username: "root", email: "root@example.test", password: "a-long-first-password" };

  /** /graphql as a production deployment with the given FLUXGATE_SETUP_SECRET (none when undefined). */
  async function production(query: string, variables: Record<string, unknown>, setupSecret?: string) {
    const deployment = { ...env, FLUXGATE_ENV: "production", AUTH_ENCRYPTION_KEY: btoa("p".repeat(32)), FLUXGATE_SETUP_SECRET: setupSecret };
    const request = new Request("http://fluxgate.test/graphql", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }),
    });
    const body = (await (await controlYoga().fetch(request, { env: deployment })).json()) as
      { data?: any; errors?: { message: string; extensions: { code: string; reason?: string } }[] };
    return { data: body.data, refusals: (body.errors ?? []).map((e) => [e.extensions.code, e.extensions.reason ?? null, e.message]) };
  }

  it("says a setup secret is required", async () => {
    expect((await production("{ bootstrapStatus { needsBootstrap setupSecretRequired } }", {}, SECRET)).data)
      .toEqual({ bootstrapStatus: { needsBootstrap: true, setupSecretRequired: true } });
    expect(ok(await gql("{ bootstrapStatus { setupSecretRequired } }"))).toEqual({ bootstrapStatus: { setupSecretRequired: false } });
  });

  it("is refused while the deployment has no setup secret (or one too short to protect anything)", async () => {
    for (const configured of [undefined, "short-secret"]) {
      const answer = await production(BOOTSTRAP, { input: { ...input, setupSecret: "anything-at-all-anything" } }, configured);
      expect(answer.refusals).toEqual([["FORBIDDEN", "SETUP_SECRET_NOT_CONFIGURED", `This deployment has no setup secret of at least ${MIN_SETUP_SECRET_LENGTH} characters: `
        + "run `openssl rand -base64 32 | npx wrangler secret put FLUXGATE_SETUP_SECRET --env production`, then bootstrap with it"]]);
    }
  });

  it("is refused without the secret and with a wrong one, and creates the admin with the right one, once", async () => {
    expect((await production(BOOTSTRAP, { input }, SECRET)).refusals).toEqual([["FORBIDDEN", "SETUP_SECRET_REQUIRED",
      "Outside development the first admin needs input.setupSecret (the deployment's FLUXGATE_SETUP_SECRET)"]]);
    expect((await production(BOOTSTRAP, { input: { ...input, setupSecret: `${SECRET}x` } }, SECRET)).refusals).toEqual([
      ["FORBIDDEN", "SETUP_SECRET_INVALID", "input.setupSecret is not this deployment's FLUXGATE_SETUP_SECRET"]]);
    const users = await env.DB.prepare("SELECT count(*) AS n FROM users").first();
    expect(users).toEqual({ n: 0 });
    const created = await production(BOOTSTRAP, { input: { ...input, setupSecret: SECRET } }, SECRET);
    expect(created.data?.bootstrapAdmin).toMatchObject({ username: "root", isSystemAdmin: true });
    const again = await production(BOOTSTRAP, { input: { ...input, username: "other", email: "o@example.test", setupSecret: SECRET } }, SECRET);
    expect(again.refusals).toEqual([["FORBIDDEN", null, "An administrator already exists; bootstrap is closed"]]);
    const audit = await env.DB.prepare("SELECT diff FROM audit_log").first<{ diff: string }>();
    expect(audit!.diff).not.toContain(SECRET);
  });
});

describe("access tokens", () => {
  beforeEach(reseedControl);

  it("are rejected with UNAUTHENTICATED when expired", async () => {
    const { accessToken } = await loginAs("viewer");
    const sessionId = JSON.parse(atob(accessToken.split(".")[1]!.replaceAll("-", "+").replaceAll("_", "/"))).sid;
    const past = controlDeps(env, { now: () => new Date(Date.now() - 16 * 60_000) });
    const expired = await issueAccessToken(past, { userId: DEMO_USER_IDS.viewer, sessionId });
    const answer = await gql(ME, {}, expired.token);
    expect(answer.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([["UNAUTHENTICATED", "Invalid or expired access token"]]);
    // The same session with a fresh token works: only the expiry failed.
    const fresh = await issueAccessToken(controlDeps(env), { userId: DEMO_USER_IDS.viewer, sessionId });
    expect(ok(await gql(ME, {}, fresh.token)).me.username).toBe("viewer");
  });

  it("are rejected when garbage, tampered, or signed by an unknown key", async () => {
    const { accessToken } = await loginAs("viewer");
    const [header, payload, signature] = accessToken.split(".");
    const tampered = `${header}.${btoa(JSON.stringify({ ...JSON.parse(atob(payload!.replaceAll("-", "+").replaceAll("_", "/"))), sub: DEMO_USER_IDS.admin })).replaceAll("=", "")}.${signature}`;
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    expect((await exportJWK(publicKey)).kty).toBe("EC");
    const foreign = await new SignJWT({ sid: "x" }).setProtectedHeader({ alg: "ES256", kid: crypto.randomUUID() })
      .setSubject(DEMO_USER_IDS.admin).setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).setIssuedAt().setExpirationTime("5m")
      .sign(privateKey);
    const unsigned = `${btoa(JSON.stringify({ alg: "none" }))}.${payload}.`;
    for (const token of ["garbage", "a.b.c", tampered, foreign, unsigned]) {
      expect(codes(await gql(ME, {}, token))).toEqual(["UNAUTHENTICATED"]);
    }
  });

  it("without a token, protected fields answer UNAUTHENTICATED", async () => {
    const answer = await gql(ME);
    expect(answer.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([["UNAUTHENTICATED", "Authentication required"]]);
  });

  it("stay valid across a signing-key rotation; new tokens use the new key", async () => {
    const viewer = await loginAs("viewer");
    const admin = await loginAs("admin");
    const kidOf = (token: string) => JSON.parse(atob(token.split(".")[0]!.replaceAll("-", "+").replaceAll("_", "/"))).kid;
    const rotation = ok(await gql("mutation { rotateSigningKey { kid retiredKids } }", {}, admin.accessToken)).rotateSigningKey;
    expect(rotation.retiredKids).toEqual([kidOf(viewer.accessToken)]);
    expect(ok(await gql(ME, {}, viewer.accessToken)).me.username).toBe("viewer");
    const refreshed = ok(await gql(REFRESH, { token: viewer.refreshToken })).refreshSession;
    expect(kidOf(refreshed.accessToken)).toBe(rotation.kid);
    expect(ok(await gql(ME, {}, refreshed.accessToken)).me.username).toBe("viewer");
    const keys = await env.DB.prepare("SELECT kid, status, retire_after IS NOT NULL AS retiring FROM signing_keys ORDER BY created_at, status").all();
    expect(keys.results).toEqual(expect.arrayContaining([
      { kid: kidOf(viewer.accessToken), status: "retired", retiring: 1 },
      { kid: rotation.kid, status: "active", retiring: 0 },
    ]));
  });

  it("of a retired key stop working once its retirement time has passed", async () => {
    const viewer = await loginAs("viewer");
    const admin = await loginAs("admin");
    ok(await gql("mutation { rotateSigningKey { kid } }", {}, admin.accessToken));
    await env.DB.prepare("UPDATE signing_keys SET retire_after = ? WHERE status = 'retired'").bind(Date.now() - 1).run();
    controlDeps(env).isolateCache.clear();
    expect(codes(await gql(ME, {}, viewer.accessToken))).toEqual(["UNAUTHENTICATED"]);
  });

  it("store the private signing key encrypted, never as plain JWK", async () => {
    await loginAs("viewer");
    const key = await env.DB.prepare("SELECT public_jwk, private_jwk_encrypted FROM signing_keys WHERE status = 'active'").first<{ public_jwk: string; private_jwk_encrypted: string }>();
    expect(JSON.parse(key!.public_jwk)).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256" });
    expect(JSON.parse(key!.public_jwk).d).toBeUndefined();
    expect(key!.private_jwk_encrypted).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(key!.private_jwk_encrypted).not.toContain('"d"');
  });
});

describe("temporary passwords and password changes", () => {
  beforeEach(reseedControl);

  const SET_TEMPORARY = "mutation($id: ID!) { setTemporaryPassword(id: $id, temporaryPassword: \"temporary-secret-1\") { mustChangePassword } }";
  const CHANGE = "mutation($current: String!, $next: String!) { changePassword(input: { currentPassword: $current, newPassword: $next }) { mustChangePassword } }";

  it("a temporary password allows only me, changePassword and logout until it is changed", async () => {
    const admin = await loginAs("admin");
    expect(ok(await gql(SET_TEMPORARY, { id: DEMO_USER_IDS.viewer }, admin.accessToken))).toEqual({
      setTemporaryPassword: { mustChangePassword: true },
    });
    const viewer = await loginAs("viewer", "temporary-secret-1");
    expect(ok(await gql(ME, {}, viewer.accessToken)).me.mustChangePassword).toBe(true);
    const blocked = await gql("{ teams { totalCount } }", {}, viewer.accessToken);
    expect(blocked.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      ["PASSWORD_CHANGE_REQUIRED", "The password must be changed before anything else"],
    ]);
    expect(ok(await gql(CHANGE, { current: "temporary-secret-1", next: "my-own-new-password" }, viewer.accessToken))).toEqual({
      changePassword: { mustChangePassword: false },
    });
    expect(ok(await gql("{ teams { totalCount } }", {}, viewer.accessToken))).toEqual({ teams: { totalCount: 1 } });
    expect(codes(await gql(LOGIN, { login: "viewer", password: DEMO_PASSWORD }))).toEqual(["UNAUTHENTICATED"]);
    await loginAs("viewer", "my-own-new-password");
  });

  it("setting a temporary password ends the user's sessions", async () => {
    const viewer = await loginAs("viewer");
    const admin = await loginAs("admin");
    ok(await gql(SET_TEMPORARY, { id: DEMO_USER_IDS.viewer }, admin.accessToken));
    expect(codes(await gql(ME, {}, viewer.accessToken))).toEqual(["UNAUTHENTICATED"]);
    expect(codes(await gql(REFRESH, { token: viewer.refreshToken }))).toEqual(["UNAUTHENTICATED"]);
  });

  it("changing the password keeps the caller's session and revokes the others", async () => {
    const laptop = await loginAs("requester");
    const phone = await loginAs("requester");
    ok(await gql(CHANGE, { current: DEMO_PASSWORD, next: "a-brand-new-password" }, laptop.accessToken));
    expect(ok(await gql(ME, {}, laptop.accessToken)).me.username).toBe("requester");
    expect(ok(await gql(REFRESH, { token: laptop.refreshToken })).refreshSession.user.username).toBe("requester");
    expect(codes(await gql(ME, {}, phone.accessToken))).toEqual(["UNAUTHENTICATED"]);
    expect(codes(await gql(REFRESH, { token: phone.refreshToken }))).toEqual(["UNAUTHENTICATED"]);
    const audit = await env.DB.prepare("SELECT action, actor_name, diff FROM audit_log WHERE entity_id = ?").bind(DEMO_USER_IDS.requester).all();
    expect(audit.results).toEqual([{
      action: "user.change_password", actor_name: "requester",
      diff: JSON.stringify({ before: { mustChangePassword: false }, after: { mustChangePassword: false } }),
    }]);
  });

  it("rejects a wrong current password and a too short or unchanged new one, naming the field", async () => {
    const requester = await loginAs("requester");
    const fields = async (current: string, next: string) =>
      (await gql(CHANGE, { current, next }, requester.accessToken)).errors?.map((e) => [e.extensions?.code, e.extensions?.field]);
    expect(await fields("wrong-password", "a-brand-new-password")).toEqual([["BAD_USER_INPUT", "input.currentPassword"]]);
    expect(await fields(DEMO_PASSWORD, "short")).toEqual([["BAD_USER_INPUT", "input.newPassword"]]);
    expect(await fields(DEMO_PASSWORD, DEMO_PASSWORD)).toEqual([["BAD_USER_INPUT", "input.newPassword"]]);
  });
});
