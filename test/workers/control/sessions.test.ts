import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_USER_IDS } from "../../../db/seed/demo-data";
import { REFRESH_GRACE_MS } from "../../../workers/admin/identity/sessions";
import { codes, gql, ok } from "./support/graphql";
import { LOGIN, loginAs, REFRESH, reseedControl } from "./support/sessions";

const ME = "{ me { id username email isSystemAdmin mustChangePassword } }";

/** Moves every rotation `ms` into the past (a successor's created_at is its rotation time). */
async function ageRotations(ms: number): Promise<void> {
  await env.DB.prepare("UPDATE refresh_tokens SET created_at = created_at - ?").bind(ms).run();
}

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

  it(`give every refresh of one token within ${REFRESH_GRACE_MS / 1000} s the same successor: 8 concurrent refreshes all succeed`, async () => {
    expect(REFRESH_GRACE_MS).toBe(30_000);
    const first = await loginAs("requester");
    const answers = await Promise.all(Array.from({ length: 8 }, () => gql(REFRESH, { token: first.refreshToken })));
    expect(answers.map(codes)).toEqual(Array(8).fill([]));
    const sessions = answers.map((answer) => ok(answer).refreshSession);
    expect(new Set(sessions.map((session) => session.refreshToken)).size).toBe(1);
    expect(new Set(sessions.map((session) => session.refreshTokenExpiresAt)).size).toBe(1);
    for (const session of sessions) expect(ok(await gql(ME, {}, session.accessToken)).me.username).toBe("requester");
    // A late tab within the window gets the same successor too.
    expect(ok(await gql(REFRESH, { token: first.refreshToken })).refreshSession.refreshToken).toBe(sessions[0]!.refreshToken);
    // One successor row, stored as a hash only; the session goes on from it.
    const rows = await env.DB.prepare("SELECT token_hash, replaced_by FROM refresh_tokens WHERE user_id = ? ORDER BY created_at")
      .bind(DEMO_USER_IDS.requester).all<{ token_hash: string; replaced_by: string | null }>();
    expect(rows.results).toHaveLength(2);
    expect(JSON.stringify(rows.results)).not.toContain(sessions[0]!.refreshToken);
    expect(ok(await gql(REFRESH, { token: sessions[0]!.refreshToken })).refreshSession.user.id).toBe(DEMO_USER_IDS.requester);
  });

  it("revoke the whole session when a spent refresh token is reused after the grace window", async () => {
    const first = await loginAs("requester");
    const next = ok(await gql(REFRESH, { token: first.refreshToken })).refreshSession;
    await ageRotations(REFRESH_GRACE_MS);
    const reuse = await gql(REFRESH, { token: first.refreshToken });
    expect(reuse.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([
      ["Refresh token reuse detected; the session was revoked", "UNAUTHENTICATED"],
    ]);
    // The legitimate successor and its access token die with the family.
    expect(codes(await gql(REFRESH, { token: next.refreshToken }))).toEqual(["UNAUTHENTICATED"]);
    expect(codes(await gql(ME, {}, next.accessToken))).toEqual(["UNAUTHENTICATED"]);
    expect(codes(await gql(ME, {}, first.accessToken))).toEqual(["UNAUTHENTICATED"]);
  });

  it("revoke the session when a token is reused after its successor was itself rotated, even within the window", async () => {
    const first = await loginAs("requester");
    const second = ok(await gql(REFRESH, { token: first.refreshToken })).refreshSession;
    const third = ok(await gql(REFRESH, { token: second.refreshToken })).refreshSession;
    expect(codes(await gql(REFRESH, { token: first.refreshToken }))).toEqual(["UNAUTHENTICATED"]);
    expect(codes(await gql(REFRESH, { token: third.refreshToken }))).toEqual(["UNAUTHENTICATED"]);
  });

  it("leave other sessions of the same user alone when one is revoked", async () => {
    const phone = await loginAs("requester");
    const laptop = await loginAs("requester");
    await gql(REFRESH, { token: phone.refreshToken });
    await ageRotations(REFRESH_GRACE_MS);
    expect(codes(await gql(REFRESH, { token: phone.refreshToken }))).toEqual(["UNAUTHENTICATED"]); // reuse: revokes the phone's family only
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
