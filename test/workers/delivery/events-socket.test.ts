import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_SECRET_HASHES, demoRuleId } from "../../../db/seed/demo-data";
import { environmentHub } from "../../../durable-objects/hub";
import { eventsSocketRequest, SUBSCRIBER_HEADER } from "../../../durable-objects/subscriber";
import type { CurrentMessage, DeliveryEvent, EventMessage } from "../../../protocol/stream";
import { resetEnvironmentObjects } from "../support/environment-objects";
import { reseedDemo } from "../support/seed-demo";
import { SocketClient } from "./support/socket-client";
import { deleteEnvironmentRows } from "./support/stream";

const { production: PRODUCTION } = DEMO_ENVIRONMENT_IDS;
const hub = () => environmentHub(env, PRODUCTION);
const openEvents = async (init?: (request: Request) => void) => {
  const request = eventsSocketRequest();
  init?.(request);
  return SocketClient.from(await env.ENVIRONMENTS.getByName(PRODUCTION).fetch(request));
};
const retargetBetaUsers = () => env.DB.prepare("UPDATE rules SET match = ? WHERE id = ?").bind(
  JSON.stringify([{ operator: "and", conditions: [{ attribute: "role", operator: "equals", value: "owner" }] }]),
  demoRuleId("BetaUsers", "production"),
).run();

beforeEach(async () => {
  await reseedDemo(env);
  await resetEnvironmentObjects(env.ENVIRONMENTS, Object.values(DEMO_ENVIRONMENT_IDS));
});

describe("events sockets on the environment object", () => {
  it("start with the current snapshot id, built on first use", async () => {
    const events = await openEvents();
    const current = await events.next<CurrentMessage>();
    const snapshot = await hub().getSnapshot();
    expect(current).toEqual({ type: "current", version: 1, contentHash: snapshot.contentHash });
    events.close();
  });

  it("receive flags_changed with the changed keys on a publish that bumps the version, and nothing otherwise", async () => {
    const events = await openEvents();
    await events.next();
    expect(await hub().publish()).toMatchObject({ changed: false });
    await retargetBetaUsers();
    expect(await hub().publish()).toMatchObject({ version: 2, changed: true });
    const message = await events.next<EventMessage>();
    const document = await hub().getSnapshot();
    expect(message).toEqual({
      type: "event",
      event: { type: "flags_changed", environmentId: PRODUCTION, version: 2, flags: ["BetaUsers"], at: document.generatedAt },
    });
    expect(events.pending()).toBe(0);
    events.close();
  });

  it("receive announced events as they are, in order", async () => {
    const first = await openEvents();
    const second = await openEvents();
    await first.next();
    await second.next();
    const killSwitch: DeliveryEvent = {
      type: "kill_switch", environmentId: PRODUCTION, featureId: "f-1", featureKey: "dark_mode",
      engaged: true, rollbackAt: null, at: "2026-11-25T10:00:00.000Z",
    };
    const approval: DeliveryEvent = {
      type: "approval_request", environmentId: PRODUCTION, teamId: "t-1", requestId: "r-1",
      featureId: "f-1", featureKey: "dark_mode", status: "pending", at: "2026-11-25T10:00:01.000Z",
    };
    await hub().announce(killSwitch);
    await hub().announce(approval);
    for (const socket of [first, second]) {
      expect(await socket.next()).toEqual({ type: "event", event: killSwitch });
      expect(await socket.next()).toEqual({ type: "event", event: approval });
      socket.close();
    }
  });

  it("opened for a client, close with CREDENTIAL_REVOKED (4003) when the client is disabled", async () => {
    const events = await openEvents((request) => request.headers.set(SUBSCRIBER_HEADER, JSON.stringify({
      type: "client", clientId: "whatever", secretHash: DEMO_SECRET_HASHES.production,
    })));
    await events.next();
    await env.DB.prepare("UPDATE clients SET enabled = 0 WHERE secret_hash = ?").bind(DEMO_SECRET_HASHES.production).run();
    await hub().publish();
    expect(await events.next()).toEqual({
      type: "error", code: "CREDENTIAL_REVOKED", message: "the client credential was disabled, rotated or deleted",
    });
    expect(await events.closeFrame()).toEqual({ code: 4003, reason: "CREDENTIAL_REVOKED" });
  });

  it("are refused (403) for a client whose record the object holds disabled", async () => {
    await env.DB.prepare("UPDATE clients SET enabled = 0 WHERE secret_hash = ?").bind(DEMO_SECRET_HASHES.production).run();
    const request = eventsSocketRequest();
    request.headers.set(SUBSCRIBER_HEADER, JSON.stringify({ type: "client", clientId: "x", secretHash: DEMO_SECRET_HASHES.production }));
    const response = await env.ENVIRONMENTS.getByName(PRODUCTION).fetch(request);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: "FORBIDDEN", message: "client is disabled or its credential was revoked" } });
  });

  it("close with ENVIRONMENT_DELETED (4004) when the environment is retired", async () => {
    const events = await openEvents();
    await events.next();
    await deleteEnvironmentRows(PRODUCTION);
    await hub().retire();
    expect(await events.next()).toEqual({ type: "error", code: "ENVIRONMENT_DELETED", message: "the environment was deleted" });
    expect(await events.closeFrame()).toEqual({ code: 4004, reason: "ENVIRONMENT_DELETED" });
  });

  it("answer 404 NOT_FOUND for an environment D1 does not have", async () => {
    const response = await env.ENVIRONMENTS.getByName("00000000-0000-4000-8000-0000000000ff").fetch(eventsSocketRequest());
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "NOT_FOUND", message: "no such environment" } });
  });

  it("answer 426 to a plain request and 404 to another path", async () => {
    const stub = env.ENVIRONMENTS.getByName(PRODUCTION);
    const plain = await stub.fetch("https://environment.internal/events");
    expect(plain.status).toBe(426);
    expect(await plain.json()).toEqual({ error: { code: "UPGRADE_REQUIRED", message: "expected a WebSocket upgrade" } });
    const elsewhere = await stub.fetch("https://environment.internal/nope", { headers: { Upgrade: "websocket" } });
    expect(elsewhere.status).toBe(404);
  });
});
