// Notifications over real HTTP: the real local stack (`npm run dev`: wrangler dev, workerd, local
// D1) and a webhook receiver on 127.0.0.1 (node:http). A Team Admin configures the webhook through
// GraphQL, engages a kill switch with the seed README's mutation, and the receiver gets the event:
// it verifies the HMAC-SHA256 signature over the raw body with the shared secret, and the payload.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_FEATURE_IDS, DEMO_PASSWORD, DEMO_TEAM_ID } from "../../db/seed/demo-data";
import { useDevStack } from "./support/use-dev-stack";

const stack = useDevStack();
const SIGNING_SECRET = "e2e_signing_secret_0123456789abcdef";

interface Received {
  headers: IncomingMessage["headers"];
  body: string;
}

let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
const waiters: (() => void)[] = [];

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(204).end();
      waiters.splice(0).forEach((wake) => wake());
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/fluxgate-hook`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

/** The first received request matching `accept`, waiting at most `timeoutMs`. */
async function receivedWhere(accept: (r: Received) => boolean, timeoutMs = 20_000): Promise<Received> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = received.find(accept);
    if (found) return found;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no matching webhook within ${timeoutMs} ms; received ${received.length}`);
    await new Promise<void>((resolve) => {
      waiters.push(resolve);
      setTimeout(resolve, Math.min(left, 500));
    });
  }
}

async function gql<T = any>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const response = await fetch(`${stack.adminUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

interface DeliveryNode {
  id: string;
  type: string;
  channel: string;
  status: string;
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
}

/** The team's `sent` deliveries once `accept` holds, polling every 100 ms for at most `timeoutMs`. */
async function sentDeliveries(token: string, accept: (rows: DeliveryNode[]) => boolean, timeoutMs = 10_000): Promise<DeliveryNode[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { notificationDeliveries } = await gql<{ notificationDeliveries: { nodes: DeliveryNode[] } }>(/* GraphQL */ `query($teamId: ID!) {
      notificationDeliveries(teamId: $teamId, status: sent) { nodes { id type channel status attempts lastError sentAt } } }`,
    { teamId: DEMO_TEAM_ID }, token);
    if (accept(notificationDeliveries.nodes) || Date.now() >= deadline) return notificationDeliveries.nodes;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const verified = (r: Received) => {
  const expected = Buffer.from(`sha256=${createHmac("sha256", SIGNING_SECRET).update(r.body).digest("hex")}`);
  const given = Buffer.from(String(r.headers["x-fluxgate-signature"] ?? ""));
  return given.length === expected.length && timingSafeEqual(given, expected);
};

describe("webhook notifications through the real stack", () => {
  it("emergencyDisableFeature reaches the receiver, signed, with the event; the delivery is recorded as sent", async () => {
    const { login } = await gql<{ login: { accessToken: string } }>(
      /* GraphQL */ `mutation($login: String!, $password: String!) { login(input: { login: $login, password: $password }) { accessToken } }`,
      { login: "teamadmin@acme.test", password: DEMO_PASSWORD });
    const token = login.accessToken;

    const configured = await gql(/* GraphQL */ `mutation($teamId: ID!, $input: WebhookChannelInput!) {
      configureWebhookChannel(teamId: $teamId, input: $input) { channel configured secrets { name preview } } }`,
    { teamId: DEMO_TEAM_ID, input: { url: receiverUrl, signingSecret: SIGNING_SECRET } }, token);
    expect(JSON.stringify(configured)).not.toContain(SIGNING_SECRET);

    // The seed README's kill-switch mutation, verbatim in shape.
    await gql(/* GraphQL */ `mutation($id: ID!) { emergencyDisableFeature(id: $id, rollbackInMinutes: 15) { id killSwitchEnabled } }`,
      { id: DEMO_FEATURE_IDS.dark_mode }, token);

    const hook = await receivedWhere((r) => r.headers["x-fluxgate-event"] === "kill_switch_activated");
    expect(verified(hook)).toBe(true);
    expect(verified({ ...hook, body: hook.body.replace("dark_mode", "dark_mode2") })).toBe(false);
    expect(hook.headers["content-type"]).toBe("application/json");
    const event = JSON.parse(hook.body);
    expect(event).toMatchObject({
      type: "kill_switch_activated", teamId: DEMO_TEAM_ID, actor: "teamadmin",
      data: { featureId: DEMO_FEATURE_IDS.dark_mode, featureKey: "dark_mode", reason: null },
      deliveryId: hook.headers["x-fluxgate-delivery"],
    });
    expect(event.subject).toMatch(/^teamadmin engaged the kill switch of dark_mode until \d{4}-\d\d-\d\dT/);

    // The receiver answered before the Worker wrote the outcome: wait (bounded) for the row to say so.
    const nodes = await sentDeliveries(token, (rows) => rows.some((row) => row.id === hook.headers["x-fluxgate-delivery"]));
    expect(nodes).toEqual([expect.objectContaining({
      id: hook.headers["x-fluxgate-delivery"], type: "kill_switch_activated", channel: "webhook", status: "sent", attempts: 1, lastError: null,
    })]);

    await gql(/* GraphQL */ `mutation($id: ID!) { emergencyEnableFeature(id: $id) { id killSwitchEnabled } }`, { id: DEMO_FEATURE_IDS.dark_mode }, token);
    const released = await receivedWhere((r) => r.headers["x-fluxgate-event"] === "kill_switch_deactivated");
    expect(verified(released)).toBe(true);
    expect(JSON.parse(released.body).subject).toBe("The kill switch of dark_mode was released by teamadmin");
  });

  it("sendTestNotification delivers a signed test event at once", async () => {
    const { login } = await gql<{ login: { accessToken: string } }>(
      /* GraphQL */ `mutation($login: String!, $password: String!) { login(input: { login: $login, password: $password }) { accessToken } }`,
      { login: "teamadmin@acme.test", password: DEMO_PASSWORD });
    const { sendTestNotification } = await gql(/* GraphQL */ `mutation($teamId: ID!) {
      sendTestNotification(teamId: $teamId, channel: webhook) { id type status attempts lastError } }`, { teamId: DEMO_TEAM_ID }, login.accessToken);
    expect(sendTestNotification).toMatchObject({ type: "test", status: "sent", attempts: 1, lastError: null });
    const hook = await receivedWhere((r) => r.headers["x-fluxgate-delivery"] === sendTestNotification.id, 2_000);
    expect(verified(hook)).toBe(true);
  });
});
