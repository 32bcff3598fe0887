// The caller's sessions: listing the live ones with the current one marked, ending one (its access
// token stops at once), ending all others, and never seeing or ending another user's session.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { codes, gql, ok } from "./support/graphql";
import { loginAs, REFRESH, reseedControl } from "./support/sessions";

const SESSIONS = "{ mySessions { id startedAt lastActiveAt expiresAt current } }";
const ME = "{ me { username } }";
const REVOKE = "mutation($id: ID!) { revokeSession(id: $id) }";
const REVOKE_OTHERS = "mutation { revokeOtherSessions }";

interface Listed { id: string; startedAt: string; lastActiveAt: string; expiresAt: string; current: boolean }

const requesterFamilies = async () => (await env.DB.prepare(
  "SELECT DISTINCT family_id FROM refresh_tokens WHERE user_id = (SELECT id FROM users WHERE username = 'requester')",
).all<{ family_id: string }>()).results.map((row) => row.family_id);

beforeEach(reseedControl);

describe("mySessions", () => {
  it("lists the caller's live sessions only, marking the current one", async () => {
    const laptop = await loginAs("requester");
    const phone = await loginAs("requester");
    await loginAs("approver"); // someone else's session never shows
    const sessions = ok<{ mySessions: Listed[] }>(await gql(SESSIONS, {}, laptop.accessToken)).mySessions;
    expect(sessions).toHaveLength(2);
    expect(new Set(sessions.map((s) => s.id))).toEqual(new Set(await requesterFamilies()));
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const fromPhone = ok<{ mySessions: Listed[] }>(await gql(SESSIONS, {}, phone.accessToken)).mySessions;
    expect(fromPhone.filter((s) => s.current).map((s) => s.id)).toEqual(sessions.filter((s) => !s.current).map((s) => s.id));
    for (const session of sessions) {
      expect(Date.parse(session.expiresAt)).toBeGreaterThan(Date.now());
      expect(session.lastActiveAt).toBe(session.startedAt);
    }
  });

  it("keeps a session's id and start across refreshes, and moves its last activity", async () => {
    const first = await loginAs("requester");
    const [before] = ok<{ mySessions: Listed[] }>(await gql(SESSIONS, {}, first.accessToken)).mySessions;
    await env.DB.prepare("UPDATE refresh_tokens SET created_at = created_at - 60000").run();
    const next = ok(await gql(REFRESH, { token: first.refreshToken })).refreshSession;
    const after = ok<{ mySessions: Listed[] }>(await gql(SESSIONS, {}, next.accessToken)).mySessions;
    expect(after).toHaveLength(1);
    expect(after[0]!.id).toBe(before!.id);
    expect(after[0]!.current).toBe(true);
    expect(Date.parse(after[0]!.startedAt)).toBe(Date.parse(before!.startedAt) - 60_000);
    expect(Date.parse(after[0]!.lastActiveAt)).toBeGreaterThan(Date.parse(after[0]!.startedAt));
  });

  it("leaves out ended sessions (signed out)", async () => {
    const gone = await loginAs("requester");
    const kept = await loginAs("requester");
    ok(await gql("mutation { logout }", {}, gone.accessToken));
    const sessions = ok<{ mySessions: Listed[] }>(await gql(SESSIONS, {}, kept.accessToken)).mySessions;
    expect(sessions.map((s) => s.current)).toEqual([true]);
  });
});

describe("revokeSession", () => {
  it("ends another of the caller's sessions at once: its access and refresh tokens are refused", async () => {
    const laptop = await loginAs("requester");
    const phone = await loginAs("requester");
    const other = ok<{ mySessions: Listed[] }>(await gql(SESSIONS, {}, laptop.accessToken)).mySessions.find((s) => !s.current)!;
    expect(ok(await gql(REVOKE, { id: other.id }, laptop.accessToken)).revokeSession).toBe(true);
    expect(codes(await gql(ME, {}, phone.accessToken))).toEqual(["UNAUTHENTICATED"]);
    expect(codes(await gql(REFRESH, { token: phone.refreshToken }))).toEqual(["UNAUTHENTICATED"]);
    expect(ok(await gql(ME, {}, laptop.accessToken)).me.username).toBe("requester");
    expect(ok<{ mySessions: Listed[] }>(await gql(SESSIONS, {}, laptop.accessToken)).mySessions.map((s) => s.current)).toEqual([true]);
  });

  it("answers NOT_FOUND for another user's session (and leaves it alone) and for an ended one", async () => {
    const requester = await loginAs("requester");
    const approver = await loginAs("approver");
    const [theirs] = ok<{ mySessions: Listed[] }>(await gql(SESSIONS, {}, approver.accessToken)).mySessions;
    const refused = await gql(REVOKE, { id: theirs!.id }, requester.accessToken);
    expect(refused.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([["NOT_FOUND", "Session not found"]]);
    expect(ok(await gql(ME, {}, approver.accessToken)).me.username).toBe("approver");
    ok(await gql(REVOKE, { id: theirs!.id }, approver.accessToken));
    const again = await loginAs("approver");
    expect(codes(await gql(REVOKE, { id: theirs!.id }, again.accessToken))).toEqual(["NOT_FOUND"]);
  });
});

describe("revokeOtherSessions", () => {
  it("ends every other session of the caller, keeps the current one and other users', and counts what ended", async () => {
    const here = await loginAs("requester");
    const others = [await loginAs("requester"), await loginAs("requester")];
    const approver = await loginAs("approver");
    expect(ok(await gql(REVOKE_OTHERS, {}, here.accessToken)).revokeOtherSessions).toBe(2);
    for (const other of others) expect(codes(await gql(ME, {}, other.accessToken))).toEqual(["UNAUTHENTICATED"]);
    expect(ok(await gql(ME, {}, here.accessToken)).me.username).toBe("requester");
    expect(ok(await gql(ME, {}, approver.accessToken)).me.username).toBe("approver");
    expect(ok(await gql(REVOKE_OTHERS, {}, here.accessToken)).revokeOtherSessions).toBe(0);
  });

  it("is UNAUTHENTICATED anonymously, like mySessions", async () => {
    expect(codes(await gql(REVOKE_OTHERS))).toEqual(["UNAUTHENTICATED"]);
    expect(codes(await gql(SESSIONS))).toEqual(["UNAUTHENTICATED"]);
  });
});
