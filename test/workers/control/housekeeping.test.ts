// The hourly housekeeping job, called with a chosen `now`: refresh-token families that ended more
// than a week ago go (all their rows), live families keep their spent rows (reuse detection), and
// retired signing keys go once every token they signed has expired; the active key stays.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_USER_IDS } from "../../../db/seed/demo-data";
import { HOUSEKEEPING_MINUTE, housekeepingJob } from "../../../workers/admin/jobs/housekeeping";
import { freshStart } from "./support/actors";
import { gql, ok } from "./support/graphql";
import { loginAs, REFRESH } from "./support/sessions";

const NOW = Date.UTC(2026, 5, 15, 12, HOUSEKEEPING_MINUTE);
const DAY = 24 * 3_600_000;

const token = (id: string, family: string, expiresAt: number, revokedAt: number | null = null, replacedBy: string | null = null) =>
  env.DB.prepare(`INSERT INTO refresh_tokens (id, user_id, token_hash, family_id, expires_at, revoked_at, replaced_by, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).bind(id, DEMO_USER_IDS.viewer, `hash-${id}`, family, expiresAt, revokedAt, replacedBy, NOW - 60 * DAY);
const key = (kid: string, status: "active" | "retired", retireAfter: number | null) =>
  env.DB.prepare(`INSERT INTO signing_keys (kid, algorithm, public_jwk, private_jwk_encrypted, status, created_at, retire_after)
    VALUES (?, 'ES256', '{}', 'v1.x.y', ?, ?, ?)`).bind(kid, status, NOW - 90 * DAY, retireAfter);
const tokenIds = () => env.DB.prepare("SELECT id FROM refresh_tokens WHERE id LIKE 't-%' ORDER BY id").all().then((r) => r.results.map((row) => row.id));
const kids = () => env.DB.prepare("SELECT kid FROM signing_keys WHERE kid LIKE 'k-%' ORDER BY kid").all().then((r) => r.results.map((row) => row.kid));

beforeEach(async () => {
  await freshStart();
  await env.DB.prepare("DELETE FROM signing_keys").run();
  await env.DB.batch([
    // A: live; its spent row expired long ago but is kept for reuse detection.
    token("t-a1", "A", NOW - 20 * DAY, null, "t-a2"), token("t-a2", "A", NOW + 10 * DAY),
    // B: logged out 8 days ago (every row revoked): gone.
    token("t-b1", "B", NOW + 20 * DAY, NOW - 8 * DAY, "t-b2"), token("t-b2", "B", NOW + 22 * DAY, NOW - 8 * DAY),
    // C: revoked 6 days ago: within the week of grace.
    token("t-c1", "C", NOW + 20 * DAY, NOW - 6 * DAY),
    // D: expired 8 days ago: gone.
    token("t-d1", "D", NOW - 8 * DAY),
    // E: one row ended long ago, the other only yesterday: the family stays whole.
    token("t-e1", "E", NOW - 9 * DAY, null, "t-e2"), token("t-e2", "E", NOW + 9 * DAY, NOW - 1 * DAY),
    key("k-active", "active", null),
    key("k-old", "retired", NOW - 60_000),
    key("k-recent", "retired", NOW + 5 * 60_000),
  ]);
});

describe("housekeeping job", () => {
  it("purges ended refresh-token families after the grace period and retired keys past their retirement", async () => {
    await housekeepingJob.run(env, new Date(NOW));
    expect(await tokenIds()).toEqual(["t-a1", "t-a2", "t-c1", "t-e1", "t-e2"]);
    expect(await kids()).toEqual(["k-active", "k-recent"]);
    // An hour after a day later C's week is over, and the recent key's tokens have all expired.
    await housekeepingJob.run(env, new Date(NOW + 25 * 3_600_000));
    expect(await tokenIds()).toEqual(["t-a1", "t-a2", "t-e1", "t-e2"]);
    expect(await kids()).toEqual(["k-active"]);
  });

  it("runs once an hour: at other minutes it leaves everything", async () => {
    await housekeepingJob.run(env, new Date(NOW + 60_000));
    expect(await tokenIds()).toHaveLength(8);
    expect(await kids()).toEqual(["k-active", "k-old", "k-recent"]);
  });

  it("keeps real sessions working: after the job a fresh login still refreshes and its access token still verifies", async () => {
    await env.DB.prepare("DELETE FROM signing_keys").run();
    const session = await loginAs("viewer");
    const now = new Date();
    now.setUTCMinutes(HOUSEKEEPING_MINUTE);
    await housekeepingJob.run(env, now);
    expect(ok(await gql("query { me { username } }", {}, session.accessToken)).me.username).toBe("viewer");
    const refreshed = ok(await gql(REFRESH, { token: session.refreshToken })).refreshSession;
    expect(refreshed.user.username).toBe("viewer");
  });
});
