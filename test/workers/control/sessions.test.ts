import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_USER_IDS } from "../../../db/seed/demo-data";
import { codes, gql, ok } from "./support/graphql";
import { LOGIN, loginAs, REFRESH, reseedControl } from "./support/sessions";

const ME = "{ me { id username email isSystemAdmin mustChangePassword } }";

beforeEach(reseedControl);

describe("login", () => {
  it("accepts the username and returns a session whose access token identifies the user", async () => {
    const session = ok(await gql(LOGIN, { login: "approver", password: "fluxgate-demo" })).login;
    expect(session.user).toEqual({ id: DEMO_USER_IDS.approver, username: "approver" });
    expect(session.mustChangePassword).toBe(false);
    expect(session.refreshToken).toMatch(/^fgr_[A-Za-z0-9_-]{43}$/);
    const lifetime = Date.parse(session.accessTokenExpiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(14 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(15 * 60_000);
    expect(ok(await gql(ME, {}, session.accessToken)).me).toEqual({
      id: DEMO_USER_IDS.approver, username: "approver", email: "approver@acme.test", isSystemAdmin: false, mustChangePassword: false,
    });
  });

  it("accepts the email, case-insensitively", async () => {
    const session = ok(await gql(LOGIN, { login: "Admin@ACME.test", password: "fluxgate-demo" })).login;
    expect(session.user.id).toBe(DEMO_USER_IDS.admin);
  });

  it("gives one generic UNAUTHENTICATED error for a wrong password and for an unknown user", async () => {
    const wrongPassword = await gql(LOGIN, { login: "viewer", password: "not-the-password" });
    const unknownUser = await gql(LOGIN, { login: "nobody@acme.test", password: "fluxgate-demo" });
    for (const answer of [wrongPassword, unknownUser]) {
      expect(answer.data).toBeNull();
      expect(answer.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([
        ["Invalid username, email or password", "UNAUTHENTICATED"],
      ]);
    }
  });

  it("rejects a disabled user with the same generic error", async () => {
    await env.DB.prepare("UPDATE users SET enabled = 0 WHERE id = ?").bind(DEMO_USER_IDS.viewer).run();
    const answer = await gql(LOGIN, { login: "viewer", password: "fluxgate-demo" });
    expect(answer.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([["Invalid username, email or password", "UNAUTHENTICATED"]]);
  });

  it("reports a missing login as BAD_USER_INPUT naming the field", async () => {
    const answer = await gql(LOGIN, { login: "  ", password: "x" });
    expect(answer.errors?.map((e) => [e.extensions?.code, e.extensions?.field, e.message])).toEqual([
      ["BAD_USER_INPUT", "input.login", "input.login: is required"],
    ]);
  });
});

describe("refresh tokens", () => {
  it("rotate: a refresh returns a new pair and the new access token works", async () => {
    const first = await loginAs("requester");
    const next = ok(await gql(REFRESH, { token: first.refreshToken })).refreshSession;
    expect(next.refreshToken).not.toBe(first.refreshToken);
    expect(next.user.id).toBe(DEMO_USER_IDS.requester);
    expect(ok(await gql(ME, {}, next.accessToken)).me.username).toBe("requester");
    const again = ok(await gql(REFRESH, { token: next.refreshToken })).refreshSession;
    expect(again.user.id).toBe(DEMO_USER_IDS.requester);
  });

  it("revoke the whole session when a spent refresh token is reused", async () => {
    const first = await loginAs("requester");
    const next = ok(await gql(REFRESH, { token: first.refreshToken })).refreshSession;
    const reuse = await gql(REFRESH, { token: first.refreshToken });
    expect(reuse.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([
      ["Refresh token reuse detected; the session was revoked", "UNAUTHENTICATED"],
    ]);
    // The legitimate successor and its access token die with the family.
    expect(codes(await gql(REFRESH, { token: next.refreshToken }))).toEqual(["UNAUTHENTICATED"]);
    expect(codes(await gql(ME, {}, next.accessToken))).toEqual(["UNAUTHENTICATED"]);
    expect(codes(await gql(ME, {}, first.accessToken))).toEqual(["UNAUTHENTICATED"]);
  });

  it("leave other sessions of the same user alone when one is revoked", async () => {
    const phone = await loginAs("requester");
    const laptop = await loginAs("requester");
    await gql(REFRESH, { token: phone.refreshToken });
    await gql(REFRESH, { token: phone.refreshToken }); // reuse: revokes the phone's family only
    expect(ok(await gql(ME, {}, laptop.accessToken)).me.username).toBe("requester");
    expect(ok(await gql(REFRESH, { token: laptop.refreshToken })).refreshSession.user.username).toBe("requester");
  });

  it("reject unknown, malformed and expired refresh tokens", async () => {
    expect(codes(await gql(REFRESH, { token: "fgr_unknown" }))).toEqual(["UNAUTHENTICATED"]);
    expect(codes(await gql(REFRESH, { token: "garbage" }))).toEqual(["UNAUTHENTICATED"]);
    const session = await loginAs("viewer");
    await env.DB.prepare("UPDATE refresh_tokens SET expires_at = ? WHERE user_id = ?").bind(Date.now() - 1, DEMO_USER_IDS.viewer).run();
    expect(codes(await gql(REFRESH, { token: session.refreshToken }))).toEqual(["UNAUTHENTICATED"]);
  });
});

describe("logout", () => {
  it("ends the session: its access and refresh tokens stop working", async () => {
    const session = await loginAs("viewer");
    expect(ok(await gql("mutation { logout }", {}, session.accessToken))).toEqual({ logout: true });
    expect(codes(await gql(ME, {}, session.accessToken))).toEqual(["UNAUTHENTICATED"]);
    expect(codes(await gql(REFRESH, { token: session.refreshToken }))).toEqual(["UNAUTHENTICATED"]);
  });

  it("requires a session", async () => {
    expect(codes(await gql("mutation { logout }"))).toEqual(["UNAUTHENTICATED"]);
  });
});
