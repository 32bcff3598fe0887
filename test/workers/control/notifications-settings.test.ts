// Notification channels and preferences through the admin API: Team Admins only, secrets
// write-only (never in a response, never in D1 in plaintext), preferences honoured, and outbox
// rows written in the same D1 batch as the change that causes them.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_FEATURE_IDS, DEMO_TEAM_ID, DEMO_USER_IDS } from "../../../db/seed/demo-data";
import {
  ACCOUNT_SID, ADD_MEMBER, ALL_SECRETS, CONFIGURE_EMAIL, CONFIGURE_SMS, CONFIGURE_WEBHOOK, configureAllChannels, DELIVERIES,
  EMAIL_API_KEY, KILL, outbox, SET_PREFERENCE, SETTINGS, SIGNING_SECRET, TEST_SEND, WEBHOOK_URL,
} from "./notifications-support";
import { as, failure, ok, pristine, ROLES } from "./support/config";
import type { Role } from "./support/sessions";
import { commit, SYSTEM_ACTOR } from "../../../workers/admin/core/commit";
import { controlDeps } from "../../../workers/admin/core/deps";
import type { Principal } from "../../../workers/admin/identity/authz";
import { configureChannel } from "../../../workers/admin/notifications/channels";
import { killSwitchChanged } from "../../../workers/admin/notifications/catalog";

beforeEach(pristine);

const EXPECTED: Record<Role, string | null> = {
  admin: null, teamadmin: null, approver: "FORBIDDEN", requester: "FORBIDDEN", viewer: "FORBIDDEN", outsider: "NOT_FOUND",
};

describe("who may configure and read notifications", () => {
  const operations: [string, string, Record<string, unknown>][] = [
    ["notificationSettings", SETTINGS, { teamId: DEMO_TEAM_ID }],
    ["notificationDeliveries", DELIVERIES, { teamId: DEMO_TEAM_ID }],
    ["configureWebhookChannel", CONFIGURE_WEBHOOK, { teamId: DEMO_TEAM_ID, input: { url: WEBHOOK_URL, signingSecret: SIGNING_SECRET } }],
    ["setNotificationPreference", SET_PREFERENCE, { teamId: DEMO_TEAM_ID, type: "feature_created", channel: "email", enabled: false }],
  ];
  for (const [name, query, variables] of operations) {
    it(`${name}: system admin and team admin only; other roles FORBIDDEN, other teams NOT_FOUND`, async () => {
      for (const role of ROLES) {
        const answer = await as(role, query, variables);
        expect({ role, outcome: answer.errors ? failure(answer).code : null }).toEqual({ role, outcome: EXPECTED[role] });
      }
    });
  }

  it("sendTestNotification: other roles FORBIDDEN, other teams NOT_FOUND, an unconfigured channel NOT_FOUND", async () => {
    for (const role of ["approver", "requester", "viewer", "outsider"] as const) {
      expect(failure(await as(role, TEST_SEND, { teamId: DEMO_TEAM_ID, channel: "webhook" })).code).toBe(EXPECTED[role]);
    }
    expect(failure(await as("teamadmin", TEST_SEND, { teamId: DEMO_TEAM_ID, channel: "sms" }))).toEqual({ code: "NOT_FOUND" });
  });
});

describe("channel secrets", () => {
  it("are never returned: reads show configured: true and a masked preview only", async () => {
    const configured = ok(await as("teamadmin", CONFIGURE_WEBHOOK, {
      teamId: DEMO_TEAM_ID, input: { url: WEBHOOK_URL, signingSecret: SIGNING_SECRET, format: "slack" },
    })).configureWebhookChannel;
    expect(configured).toMatchObject({
      channel: "webhook", configured: true, enabled: true, format: "slack",
      secrets: [
        { name: "url", configured: true, preview: "https://hooks.example.test/…" },
        { name: "signingSecret", configured: true, preview: "…cdef" },
      ],
    });
    await configureAllChannels();
    const answers = [
      await as("teamadmin", SETTINGS, { teamId: DEMO_TEAM_ID }),
      await as("admin", SETTINGS, { teamId: DEMO_TEAM_ID }),
      await as("teamadmin", CONFIGURE_EMAIL, { teamId: DEMO_TEAM_ID, input: { endpoint: "https://mail.example.test/v2", from: "ops@acme.test" } }),
    ];
    const settings = ok(answers[0]!).notificationSettings;
    expect(settings.channels.map((c: { channel: string; secrets: unknown }) => [c.channel, c.secrets])).toEqual([
      ["webhook", [{ name: "url", configured: true, preview: "https://hooks.example.test/…" }, { name: "signingSecret", configured: true, preview: "…cdef" }]],
      ["email", [{ name: "apiKey", configured: true, preview: "…cdef" }]],
      ["sms", [{ name: "authToken", configured: true, preview: "…cdef" }]],
    ]);
    expect(settings.channels[2]).toMatchObject({ accountSid: ACCOUNT_SID, fromNumber: "+15550009999" });
    for (const answer of [configured, ...answers]) {
      for (const secret of ALL_SECRETS) expect(JSON.stringify(answer)).not.toContain(secret);
    }
  });

  it("are stored only encrypted, and the audit log holds previews only", async () => {
    await configureAllChannels();
    const rows = await env.DB.prepare("SELECT * FROM notification_channels").all();
    const audit = await env.DB.prepare("SELECT * FROM audit_log WHERE entity_type = 'notification_channel'").all();
    expect(rows.results).toHaveLength(3);
    expect(audit.results).toHaveLength(3);
    for (const secret of ALL_SECRETS) {
      expect(JSON.stringify(rows.results)).not.toContain(secret);
      expect(JSON.stringify(audit.results)).not.toContain(secret);
    }
    expect(String(rows.results[0]!.secrets_encrypted)).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
  });

  it("an update without the secrets keeps them; the first configuration requires them", async () => {
    const missing = await as("teamadmin", CONFIGURE_EMAIL, { teamId: DEMO_TEAM_ID, input: { endpoint: "https://mail.example.test/emails", from: "ops@acme.test" } });
    expect(failure(missing)).toEqual({ code: "BAD_USER_INPUT", field: "input.apiKey" });
    ok(await as("teamadmin", CONFIGURE_EMAIL, { teamId: DEMO_TEAM_ID, input: { endpoint: "https://mail.example.test/emails", from: "ops@acme.test", apiKey: EMAIL_API_KEY } }));
    const updated = ok(await as("teamadmin", CONFIGURE_EMAIL, { teamId: DEMO_TEAM_ID, input: { endpoint: "https://mail.example.test/v3", from: "ops@acme.test", enabled: false } }));
    expect(updated.configureEmailChannel).toMatchObject({ endpoint: "https://mail.example.test/v3", enabled: false, secrets: [{ name: "apiKey", preview: "…cdef" }] });
  });

  it("bad settings are BAD_USER_INPUT with the field", async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [CONFIGURE_WEBHOOK, { url: "ftp://hooks.example.test/x", signingSecret: SIGNING_SECRET }, "input.url"],
      [CONFIGURE_WEBHOOK, { url: WEBHOOK_URL, signingSecret: "short" }, "input.signingSecret"],
      [CONFIGURE_SMS, { accountSid: "AC123", fromNumber: "+15550009999", authToken: "twilio_auth_token_0123" }, "input.accountSid"],
      [CONFIGURE_SMS, { accountSid: ACCOUNT_SID, fromNumber: "555-1234", authToken: "twilio_auth_token_0123" }, "input.fromNumber"],
    ];
    for (const [query, input, field] of cases) {
      expect(failure(await as("teamadmin", query, { teamId: DEMO_TEAM_ID, input }))).toEqual({ code: "BAD_USER_INPUT", field });
    }
  });

  it("plain http endpoints only in development: FLUXGATE_ENV=production refuses them, development accepts them", async () => {
    const plain = { url: "http://127.0.0.1:9/hook", signingSecret: SIGNING_SECRET };
    // The test stack runs as development (wrangler.toml): a plain http URL (a local receiver) is accepted.
    expect(ok(await as("teamadmin", CONFIGURE_WEBHOOK, { teamId: DEMO_TEAM_ID, input: plain })).configureWebhookChannel)
      .toMatchObject({ channel: "webhook", configured: true });

    const admin: Principal = {
      userId: DEMO_USER_IDS.admin, username: "admin", isSystemAdmin: true, mustChangePassword: false, sessionId: "test", memberships: new Map(),
    };
    // Production refuses the public development key: give this deployment its own (32 bytes, base64).
    const productionKey = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    const production = controlDeps({ ...env, FLUXGATE_ENV: "production", AUTH_ENCRYPTION_KEY: productionKey });
    expect(await configureChannel(production, admin, DEMO_TEAM_ID, "webhook", plain).catch((error: unknown) => error))
      .toMatchObject({ code: "BAD_USER_INPUT", message: "input.url: must be an https URL", details: { field: "input.url" } });
    const email = { endpoint: "http://127.0.0.1:9/emails", from: "ops@acme.test", apiKey: EMAIL_API_KEY };
    expect(await configureChannel(production, admin, DEMO_TEAM_ID, "email", email).catch((error: unknown) => error))
      .toMatchObject({ code: "BAD_USER_INPUT", message: "input.endpoint: must be an https URL", details: { field: "input.endpoint" } });
    await env.DB.prepare("DELETE FROM notification_channels").run(); // sealed with the development key
    expect(await configureChannel(production, admin, DEMO_TEAM_ID, "webhook", { ...plain, url: WEBHOOK_URL }))
      .toMatchObject({ channel: "webhook", configured: true });
  });
});

describe("the outbox", () => {
  it("a change queues one row per enabled channel, in the change's own batch", async () => {
    await configureAllChannels();
    ok(await as("teamadmin", KILL, { id: DEMO_FEATURE_IDS.dark_mode }));
    const rows = await outbox("kill_switch_activated");
    expect(rows.map((r) => r.channel)).toEqual(["email", "sms", "webhook"]);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(1);
    expect(JSON.parse(rows[0]!.payload)).toMatchObject({
      subject: expect.stringMatching(/^teamadmin engaged the kill switch of dark_mode until /),
      data: { featureId: DEMO_FEATURE_IDS.dark_mode, featureKey: "dark_mode", reason: "incident" },
      audience: { roles: ["team_admin"] }, actor: "teamadmin",
    });
  });

  it("a failed change leaves no notification", async () => {
    await configureAllChannels();
    const duplicate = await as("teamadmin", ADD_MEMBER, { teamId: DEMO_TEAM_ID, user: "viewer@acme.test", role: "approver" });
    expect(failure(duplicate).code).toBe("CONFLICT");
    expect(await outbox("user_added_to_team")).toEqual([]);
    ok(await as("teamadmin", ADD_MEMBER, { teamId: DEMO_TEAM_ID, user: "admin@acme.test", role: "viewer" }));
    expect((await outbox("user_added_to_team")).map((r) => r.channel)).toEqual(["email", "sms", "webhook"]);
  });

  it("without channels nothing is queued and nothing is sent in the background", async () => {
    ok(await as("teamadmin", KILL, { id: DEMO_FEATURE_IDS.dark_mode }));
    expect(await outbox()).toEqual([]);
    const background: Promise<unknown>[] = [];
    const deps = controlDeps(env, { waitUntil: (promise) => background.push(promise) });
    const event = () => killSwitchChanged({ id: DEMO_FEATURE_IDS.dark_mode, teamId: DEMO_TEAM_ID, key: "dark_mode" }, true, { reason: null, rollbackAt: null }, "system", new Date());
    await commit(deps, { actor: SYSTEM_ACTOR, statements: [], audit: [], notifications: [event()] });
    expect(background).toHaveLength(0);
    await configureAllChannels("https://hooks.example.test/hook");
    await commit(deps, { actor: SYSTEM_ACTOR, statements: [], audit: [], notifications: [event()] });
    expect(background).toHaveLength(1);
    await Promise.allSettled(background);
    expect(await outbox()).toHaveLength(3);
  });

  it("preferences switch a type off per channel; a disabled channel queues nothing", async () => {
    await configureAllChannels();
    const preference = ok(await as("teamadmin", SET_PREFERENCE, { teamId: DEMO_TEAM_ID, type: "kill_switch_activated", channel: "webhook", enabled: false }));
    expect(preference.setNotificationPreference).toEqual({ type: "kill_switch_activated", webhook: false, email: true, sms: true });
    ok(await as("teamadmin", CONFIGURE_SMS, { teamId: DEMO_TEAM_ID, input: { accountSid: ACCOUNT_SID, fromNumber: "+15550009999", enabled: false } }));
    ok(await as("teamadmin", KILL, { id: DEMO_FEATURE_IDS.dark_mode }));
    expect((await outbox("kill_switch_activated")).map((r) => r.channel)).toEqual(["email"]);
    const settings = ok(await as("teamadmin", SETTINGS, { teamId: DEMO_TEAM_ID })).notificationSettings;
    expect(settings.preferences).toHaveLength(10);
    expect(settings.preferences.find((p: { type: string }) => p.type === "kill_switch_activated")).toEqual({ type: "kill_switch_activated", webhook: false, email: true, sms: true });
    expect(failure(await as("teamadmin", SET_PREFERENCE, { teamId: DEMO_TEAM_ID, type: "test", channel: "email", enabled: false }))).toEqual({ code: "BAD_USER_INPUT", field: "type" });
  });
});
