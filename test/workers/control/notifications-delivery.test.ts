// Sending the outbox: the webhook's signed body, the email and SMS requests and their recipients,
// retries with exponential backoff up to MAX_ATTEMPTS then `failed`, `skipped` rows, claims that
// keep two runners from sending one row twice, the cron job and the attempt right after a commit.
// Outbound HTTP goes through the delivery's `send` seam, or through the Worker's real fetch to a
// receiver answered in this isolate (test/workers/support/outbound.ts: workerd tests cannot listen
// on a port, and nothing may leave loopback); test/e2e/notifications.test.ts delivers over real HTTP.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_FEATURE_IDS, DEMO_TEAM_ID, DEMO_USER_IDS } from "../../../db/seed/demo-data";
import { runScheduledJobs } from "../../../workers/admin/jobs/scheduled";
import { commit, SYSTEM_ACTOR } from "../../../workers/admin/core/commit";
import { controlDeps } from "../../../workers/admin/core/deps";
import { killSwitchChanged } from "../../../workers/admin/notifications/catalog";
import {
  BACKOFF_BASE_MS, deliverDue, deliverOne, MAX_ATTEMPTS, type Send,
} from "../../../workers/admin/notifications/delivery";
import {
  ACCOUNT_SID, ALL_SECRETS, CONFIGURE_WEBHOOK, configureAllChannels, EMAIL_API_KEY, KILL, outbox, SIGNING_SECRET, SMS_AUTH_TOKEN, TEST_SEND,
  WEBHOOK_URL,
} from "./notifications-support";
import { as, failure, ok, poll, pristine } from "./support/config";
import { receiveOutbound } from "../support/outbound";

beforeEach(pristine);

const T0 = new Date("2026-11-25T12:00:00.000Z");
const DARK_MODE = { id: DEMO_FEATURE_IDS.dark_mode, teamId: DEMO_TEAM_ID, key: "dark_mode" };

/** Queues a kill_switch_activated event at T0 through commit (no waitUntil: nothing is sent yet). */
async function queueKillSwitchEvent(): Promise<Record<string, string>> {
  const deps = controlDeps(env, { now: () => T0 });
  const event = killSwitchChanged(DARK_MODE, true, { reason: "incident", rollbackAt: null }, "teamadmin", T0);
  await commit(deps, { actor: SYSTEM_ACTOR, statements: [], audit: [], notifications: [event] });
  return Object.fromEntries((await outbox()).map((row) => [row.channel, row.id]));
}

/**
 * A webhook receiver on a loopback URL, answered inside the test isolate (support/outbound.ts): the
 * Worker's post-commit, cron and test sends reach it through the real fetch path, and nothing
 * leaves the machine. Records the X-FluxGate-Event of each request.
 */
function loopbackReceiver(status: number): { url: string; host: string; events: string[] } {
  const host = "127.0.0.1:9"; // never contacted: answered in the isolate
  const events: string[] = [];
  receiveOutbound(host, (request) => {
    events.push(request.headers.get("x-fluxgate-event") ?? "");
    return new Response(null, { status });
  });
  return { url: `http://${host}/hook`, host, events };
}

function recorder(status = 200): { send: Send; requests: Request[]; bodies: string[] } {
  const requests: Request[] = [];
  const bodies: string[] = [];
  return {
    requests, bodies,
    send: async (request) => {
      requests.push(request);
      bodies.push(await request.clone().text());
      return new Response(status === 204 ? null : "{}", { status });
    },
  };
}

async function hmacHex(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return [...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)))]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
}

const deliver = (id: string, send: Send, at: Date) => deliverOne(controlDeps(env), id, { send, now: at });
const at = (ms: number) => new Date(T0.getTime() + ms);

describe("webhook", () => {
  it("POSTs the event as JSON signed with HMAC-SHA256 over the body; the row is sent", async () => {
    await configureAllChannels();
    const ids = await queueKillSwitchEvent();
    const http = recorder();
    const row = await deliver(ids.webhook!, http.send, T0);
    expect(row).toMatchObject({ status: "sent", attempts: 1, lastError: null, sentAt: T0, claimToken: null });
    const [request] = http.requests;
    expect(request!.url).toBe(WEBHOOK_URL);
    expect(request!.method).toBe("POST");
    expect(request!.headers.get("content-type")).toBe("application/json");
    expect(request!.headers.get("x-fluxgate-event")).toBe("kill_switch_activated");
    expect(request!.headers.get("x-fluxgate-delivery")).toBe(ids.webhook);
    expect(request!.headers.get("x-fluxgate-signature")).toBe(`sha256=${await hmacHex(SIGNING_SECRET, http.bodies[0]!)}`);
    expect(JSON.parse(http.bodies[0]!)).toEqual({
      id: ids.webhook!.split(":")[0], deliveryId: ids.webhook, type: "kill_switch_activated", teamId: DEMO_TEAM_ID,
      occurredAt: T0.toISOString(), actor: "teamadmin", subject: "teamadmin engaged the kill switch of dark_mode",
      data: { featureId: DEMO_FEATURE_IDS.dark_mode, featureKey: "dark_mode", reason: "incident", rollbackAt: null },
    });
  });

  it("in Slack format sends { text }, still signed", async () => {
    ok(await as("teamadmin", CONFIGURE_WEBHOOK, { teamId: DEMO_TEAM_ID, input: { url: WEBHOOK_URL, signingSecret: SIGNING_SECRET, format: "slack" } }));
    const ids = await queueKillSwitchEvent();
    const http = recorder();
    await deliver(ids.webhook!, http.send, T0);
    expect(http.bodies).toEqual([JSON.stringify({ text: "*FluxGate* teamadmin engaged the kill switch of dark_mode" })]);
    expect(http.requests[0]!.headers.get("x-fluxgate-signature")).toBe(`sha256=${await hmacHex(SIGNING_SECRET, http.bodies[0]!)}`);
  });
});

describe("email and SMS", () => {
  it("email goes to the audience (team admins for a kill switch) as a JSON POST with the Bearer API key", async () => {
    await configureAllChannels();
    const ids = await queueKillSwitchEvent();
    const http = recorder(202);
    const row = await deliver(ids.email!, http.send, T0);
    expect(row).toMatchObject({ status: "sent", recipients: ["teamadmin@acme.test"] });
    expect(http.requests[0]!.url).toBe("https://mail.example.test/emails");
    expect(http.requests[0]!.headers.get("authorization")).toBe(`Bearer ${EMAIL_API_KEY}`);
    expect(JSON.parse(http.bodies[0]!)).toMatchObject({
      from: "FluxGate <flags@acme.test>", to: ["teamadmin@acme.test"], subject: "[FluxGate] teamadmin engaged the kill switch of dark_mode",
    });
  });

  it("SMS is skipped while no recipient has a mobile number, then goes through Twilio's Messages API", async () => {
    await configureAllChannels();
    let ids = await queueKillSwitchEvent();
    const http = recorder(201);
    expect(await deliver(ids.sms!, http.send, T0)).toMatchObject({ status: "skipped", lastError: "no recipient has a mobile number" });
    expect(http.requests).toEqual([]);

    ok(await as("teamadmin", /* GraphQL */ `mutation($id: ID!) { setUserMobile(userId: $id, mobile: "+15550001111") { userId mobile } }`, { id: DEMO_USER_IDS.teamadmin }));
    await env.DB.prepare("DELETE FROM notification_deliveries").run();
    ids = await queueKillSwitchEvent();
    expect(await deliver(ids.sms!, http.send, T0)).toMatchObject({ status: "sent", recipients: ["+15550001111"] });
    expect(http.requests[0]!.url).toBe(`https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(http.requests[0]!.headers.get("authorization")).toBe(`Basic ${btoa(`${ACCOUNT_SID}:${SMS_AUTH_TOKEN}`)}`);
    expect(Object.fromEntries(new URLSearchParams(http.bodies[0]!))).toEqual({
      To: "+15550001111", From: "+15550009999", Body: "FluxGate: teamadmin engaged the kill switch of dark_mode",
    });
  });

  it("setUserMobile: the user or a system admin; a bad number is BAD_USER_INPUT", async () => {
    const SET = /* GraphQL */ `mutation($id: ID!, $mobile: String) { setUserMobile(userId: $id, mobile: $mobile) { userId email mobile } }`;
    expect(failure(await as("viewer", SET, { id: DEMO_USER_IDS.teamadmin, mobile: "+15550001111" })).code).toBe("FORBIDDEN");
    expect(failure(await as("viewer", SET, { id: DEMO_USER_IDS.viewer, mobile: "555" }))).toEqual({ code: "BAD_USER_INPUT", field: "mobile" });
    expect(ok(await as("admin", SET, { id: DEMO_USER_IDS.viewer, mobile: "+4915112345678" })).setUserMobile)
      .toEqual({ userId: DEMO_USER_IDS.viewer, email: "viewer@acme.test", mobile: "+4915112345678" });
    expect(ok(await as("viewer", SET, { id: DEMO_USER_IDS.viewer, mobile: null })).setUserMobile.mobile).toBeNull();
  });
});

describe("retries", () => {
  it("a failing endpoint is retried after 1, 2, 4, 8 minutes, then the row is failed; errors carry no secret", async () => {
    await configureAllChannels();
    const { webhook: id } = await queueKillSwitchEvent();
    const http = recorder(500);
    const schedule: [number, string, number, number | null][] = [];
    let now = T0;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const row = (await deliver(id!, http.send, now))!;
      schedule.push([(now.getTime() - T0.getTime()) / 60_000, row.status, row.attempts, row.status === "queued" ? (row.nextAttemptAt.getTime() - now.getTime()) / 60_000 : null]);
      expect(await deliver(id!, http.send, new Date(row.nextAttemptAt.getTime() - 1))).toBeNull();
      now = row.nextAttemptAt;
    }
    expect(schedule).toEqual([[0, "queued", 1, 1], [1, "queued", 2, 2], [3, "queued", 3, 4], [7, "queued", 4, 8], [15, "failed", 5, null]]);
    expect(BACKOFF_BASE_MS).toBe(60_000);
    const [row] = await outbox("kill_switch_activated").then((rows) => rows.filter((r) => r.channel === "webhook"));
    expect(row!.last_error).toBe("HTTP 500 from hooks.example.test; gave up after 5 attempts");
    expect(await deliver(id!, recorder(200).send, at(60 * 60_000))).toBeNull();
    expect(http.requests).toHaveLength(5);
    for (const secret of ALL_SECRETS) expect(row!.last_error).not.toContain(secret);
  });

  it("a network failure is recorded as the host only, and a later success sends the row", async () => {
    await configureAllChannels();
    const { webhook: id } = await queueKillSwitchEvent();
    const unreachable: Send = async () => { throw new TypeError(`fetch failed for ${WEBHOOK_URL}`); };
    expect(await deliver(id!, unreachable, T0)).toMatchObject({ status: "queued", attempts: 1, lastError: "could not reach hooks.example.test (TypeError)" });
    expect(await deliver(id!, recorder(204).send, at(BACKOFF_BASE_MS))).toMatchObject({ status: "sent", attempts: 2, lastError: null, sentAt: at(BACKOFF_BASE_MS) });
  });

  it("a row whose channel was removed meanwhile is skipped", async () => {
    await configureAllChannels();
    const { webhook: id } = await queueKillSwitchEvent();
    ok(await as("teamadmin", /* GraphQL */ `mutation($t: ID!) { removeNotificationChannel(teamId: $t, channel: webhook) }`, { t: DEMO_TEAM_ID }));
    expect(await deliver(id!, recorder().send, T0)).toMatchObject({ status: "skipped", lastError: "the channel is no longer configured" });
  });
});

describe("claims", () => {
  it("two runners at once: one sends, the other finds the row claimed", async () => {
    await configureAllChannels();
    const { webhook: id } = await queueKillSwitchEvent();
    let calls = 0;
    const slow: Send = async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 100));
      return new Response(null, { status: 200 });
    };
    const results = await Promise.all([deliver(id!, slow, T0), deliver(id!, slow, T0)]);
    expect(calls).toBe(1);
    expect(results.map((r) => r?.status ?? null).sort()).toEqual([null, "sent"]);
  });

  it("a claim whose runner died keeps the row away from others until its lease ends", async () => {
    await configureAllChannels();
    const { webhook: id } = await queueKillSwitchEvent();
    await env.DB.prepare("UPDATE notification_deliveries SET claim_token = 'dead', claimed_until = ? WHERE id = ?").bind(at(120_000).getTime(), id).run();
    expect(await deliver(id!, recorder().send, at(119_999))).toBeNull();
    expect(await deliver(id!, recorder().send, at(120_000))).toMatchObject({ status: "sent", attempts: 1 });
  });
});

describe("runners", () => {
  it("deliverDue sends due rows only, oldest first, at most `limit`", async () => {
    await configureAllChannels();
    const ids = await queueKillSwitchEvent();
    await env.DB.prepare("UPDATE notification_deliveries SET next_attempt_at = ? WHERE id = ?").bind(at(60_000).getTime(), ids.sms).run();
    await env.DB.prepare("UPDATE notification_deliveries SET next_attempt_at = ? WHERE id = ?").bind(at(-60_000).getTime(), ids.webhook).run();
    const http = recorder();
    const done = await deliverDue(controlDeps(env), { send: http.send, now: T0, limit: 1 });
    expect(done.map((r) => [r.id, r.status])).toEqual([[ids.webhook, "sent"]]);
    const rest = await deliverDue(controlDeps(env), { send: http.send, now: T0 });
    expect(rest.map((r) => r.id)).toEqual([ids.email]);
  });

  it("the cron job attempts due rows (JOBS includes it)", async () => {
    const hook = loopbackReceiver(503);
    ok(await as("teamadmin", CONFIGURE_WEBHOOK, { teamId: DEMO_TEAM_ID, input: { url: hook.url, signingSecret: SIGNING_SECRET } }));
    const { webhook: id } = await queueKillSwitchEvent();
    expect(await runScheduledJobs(env, T0)).toEqual({ failed: [] });
    const [row] = await outbox();
    expect(row).toMatchObject({ id, status: "queued", attempts: 1, next_attempt_at: at(BACKOFF_BASE_MS).getTime(), last_error: `HTTP 503 from ${hook.host}` });
    expect(hook.events).toEqual(["kill_switch_activated"]);
  });

  it("a mutation's notification is attempted right after its commit (waitUntil)", async () => {
    const hook = loopbackReceiver(204);
    ok(await as("teamadmin", CONFIGURE_WEBHOOK, { teamId: DEMO_TEAM_ID, input: { url: hook.url, signingSecret: SIGNING_SECRET } }));
    ok(await as("teamadmin", KILL, { id: DEMO_FEATURE_IDS.dark_mode }));
    const rows = await poll(() => outbox("kill_switch_activated"), (r) => r[0]?.status === "sent");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: "webhook", status: "sent", attempts: 1, last_error: null });
    expect(hook.events).toEqual(["kill_switch_activated"]);
  });

  it("sendTestNotification sends at once and answers with the delivery as it ended", async () => {
    const hook = loopbackReceiver(500);
    ok(await as("teamadmin", CONFIGURE_WEBHOOK, { teamId: DEMO_TEAM_ID, input: { url: hook.url, signingSecret: SIGNING_SECRET } }));
    const delivery = ok(await as("teamadmin", TEST_SEND, { teamId: DEMO_TEAM_ID, channel: "webhook" })).sendTestNotification;
    expect(delivery).toMatchObject({ type: "test", channel: "webhook", status: "queued", attempts: 1, recipients: null, lastError: `HTTP 500 from ${hook.host}` });
    expect(hook.events).toEqual(["test"]);
  });
});
