// The SDK's local mode against the real `npm run dev` stack: the snapshot streams over GET
// /v1/stream (subprotocol auth with Node's global WebSocket, header auth with `ws`), local results
// equal OFREP's for every demo flag, an admin change (GraphQL) arrives as a delta within a bounded time,
// a bootstrap document serves before connecting, and evaluation counts are accepted (202).
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FluxGateLocalClient, type WebSocketConstructor } from "../../sdk/src/index";
import { expectedVariant } from "./support/bucketing-oracle";
import { DEMO_FLAG_KEYS, DEV_SERVER_SECRET, WEB_CLIENT_SECRET } from "./support/demo";
import { adminToken, graphql, ofrepBulk, setVariantValue, waitFor } from "./support/sdk-stack";
import { useDevStack } from "./support/use-dev-stack";

const stack = useDevStack();
const DEVELOPMENT_ID = "00000000-0000-4000-8000-0000000000e1";

/** Evaluations per feature key in the development environment over the last hour (admin API, D1). */
async function evaluationsByFeature(token: string): Promise<Record<string, number>> {
  const data = await graphql<{ evaluationsByFeature: { features: { featureKey: string; evaluations: number }[] } }>(
    stack.adminUrl,
    "query($env: ID!, $from: DateTime!) { evaluationsByFeature(environmentId: $env, from: $from) { features { featureKey evaluations } } }",
    { env: DEVELOPMENT_ID, from: new Date(Date.now() - 3_600_000).toISOString() },
    token,
  );
  return Object.fromEntries(data.evaluationsByFeature.features.map((f) => [f.featureKey, f.evaluations]));
}
const clients: FluxGateLocalClient[] = [];
let client: FluxGateLocalClient;

function local(options: Partial<ConstructorParameters<typeof FluxGateLocalClient>[0]> = {}) {
  const c = new FluxGateLocalClient({ baseUrl: stack.baseUrl, credential: DEV_SERVER_SECRET, evaluationCounts: false, ...options });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  client = local();
  await client.start();
});
afterAll(async () => {
  for (const c of clients) await c.close();
});

const CONTEXTS = [
  { targetingKey: "user-1", role: "admin" },
  { targetingKey: "user-1", role: "user" },
  { targetingKey: "user-42" },
  { targetingKey: "user-7", plan: "pro", email: "ann@acme.test" },
  { targetingKey: "user-9", plan: "free", email: "bob@example.com", role: "admin" },
  {},
  ...Array.from({ length: 40 }, (_, i) => ({ targetingKey: `visitor-${i}` })),
];

describe("SDK local mode against the dev stack", () => {
  it("holds the development snapshot with every demo flag", () => {
    expect(client.status).toBe("READY");
    expect(client.document?.environment.key).toBe("development");
    expect(client.document?.flags.map((f) => f.key).sort()).toEqual([...DEMO_FLAG_KEYS].sort());
  });

  it("evaluates every demo flag with exactly the value, variant and reason OFREP gives, for 46 contexts", async () => {
    for (const context of CONTEXTS) {
      const remote = await ofrepBulk(stack.baseUrl, DEV_SERVER_SECRET, context);
      const mine = client.evaluateAll(context).map((r) => ({
        key: r.key,
        ...(r.errorCode ? { errorCode: r.errorCode } : { value: r.value, variant: r.variant, reason: r.reason }),
      }));
      const theirs = remote.map((f) => ({
        key: f.key,
        ...(f.errorCode ? { errorCode: f.errorCode } : { value: f.value, variant: f.variant, reason: f.reason }),
      }));
      expect(mine, JSON.stringify(context)).toEqual(theirs);
    }
  });

  it("authenticates with the Authorization header when given the `ws` WebSocket (the Node 20 setup)", async () => {
    const viaHeader = local({ webSocket: WebSocket as unknown as WebSocketConstructor });
    await viaHeader.start();
    expect(viaHeader.version).toBe(client.version);
    expect(viaHeader.evaluate("BetaUsers", { targetingKey: "u", role: "admin" })).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
  });

  it("streams to a web client credential too (subprotocol auth, as browsers must)", async () => {
    const web = local({ credential: WEB_CLIENT_SECRET });
    await web.start();
    expect(web.document?.environment.key).toBe("development");
  });

  it("refuses a wrong credential for good: start() rejects with CREDENTIAL_REJECTED", async () => {
    const intruder = local({ credential: "fg_local_not_a_real_secret" });
    await expect(intruder.start()).rejects.toMatchObject({ code: "CREDENTIAL_REJECTED", status: 401 });
    expect(intruder.status).toBe("ERROR");
  });

  it("a variant changed through GraphQL reaches the SDK as a delta naming the flag within 2 s", async () => {
    const userA = Array.from({ length: 200 }, (_, i) => `user-${i}`).find((k) => expectedVariant("checkout_button_text", k) === "variant-a")!;
    expect(client.evaluate("checkout_button_text", { targetingKey: userA })).toMatchObject({ value: "Complete purchase", variant: "variant-a" });
    const token = await adminToken(stack.adminUrl);
    const changes: { version: number; flagsChanged: string[] }[] = [];
    client.events.on("changed", (c) => changes.push(c));
    const before = client.version!;
    const started = Date.now();
    await setVariantValue(stack.adminUrl, token, "checkout_button_text", 1, "Finish order");
    const change = await waitFor("checkout_button_text change", () => changes.find((c) => c.flagsChanged.includes("checkout_button_text")), 2_000);
    const elapsed = Date.now() - started;
    expect(change).toEqual({ version: before + 1, flagsChanged: ["checkout_button_text"] });
    expect(client.evaluate("checkout_button_text", { targetingKey: userA })).toMatchObject({ value: "Finish order", variant: "variant-a", reason: "SPLIT" });
    console.log(`GraphQL mutation -> SDK change event: ${elapsed} ms (mutation round trip included)`);

    await setVariantValue(stack.adminUrl, token, "checkout_button_text", 1, "Complete purchase");
    await waitFor("value restored", () => client.evaluate("checkout_button_text", { targetingKey: userA }).value === "Complete purchase", 2_000);
    // The delta path kept the document identical to the server's: OFREP agrees for every context,
    // once the OFREP isolate has revalidated (its interval plus its location relay's: about 2 s).
    await waitFor("OFREP to serve the restored value", async () =>
      (await ofrepBulk(stack.baseUrl, DEV_SERVER_SECRET, { targetingKey: userA })).find((f) => f.key === "checkout_button_text")?.value === "Complete purchase", 5_000);
    for (const context of CONTEXTS.slice(0, 10)) {
      const remote = await ofrepBulk(stack.baseUrl, DEV_SERVER_SECRET, context);
      expect(client.evaluateAll(context).map((r) => [r.key, r.value, r.variant])).toEqual(remote.map((f) => [f.key, f.value, f.variant]));
    }
  });

  it("serves a bootstrap document synchronously before connecting, then confirms it with the stream", async () => {
    const bootstrap = client.document!;
    const fresh = local({ bootstrap });
    const ready: number[] = [];
    fresh.events.on("ready", ({ version }) => ready.push(version));
    // No start() yet: no socket, yet values.
    expect(fresh.evaluate("homepage_layout", { targetingKey: "user-42" })).toMatchObject({ value: { hero: "video", columns: 3 }, variant: "modern" });
    await fresh.start();
    await waitFor("confirmation", () => ready.length === 1);
    expect(ready).toEqual([client.version]);
  });

  it("posts evaluation counts to /v1/evaluation-counts: accepted (202) and visible in the admin API's analytics", async () => {
    const token = await adminToken(stack.adminUrl);
    // The Worker's own counts of the earlier OFREP calls reach the rollups within seconds (through the
    // location relay and the environment object): take the baseline once it has stopped moving.
    let before = await evaluationsByFeature(token);
    for (let stableSince = Date.now(); Date.now() - stableSince < 3_000;) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const now = await evaluationsByFeature(token);
      if (JSON.stringify(now) !== JSON.stringify(before)) [before, stableSince] = [now, Date.now()];
    }
    const counting = local({ bootstrap: client.document!, evaluationCounts: { flushIntervalMs: 60_000 } });
    await counting.start();
    for (let i = 0; i < 30; i++) counting.evaluate("checkout_button_text", { targetingKey: `counted-${i}` });
    counting.evaluate("legacy_search", { targetingKey: "x" });
    await counting.flush();
    // control / variant-a with reason SPLIT, plus legacy_search off DISABLED: three entries, none dropped.
    expect(counting.countStats).toEqual({ sentEntries: 3, droppedEntries: 0, pendingBatches: 0 });
    const expected = { checkout_button_text: (before.checkout_button_text ?? 0) + 30, legacy_search: (before.legacy_search ?? 0) + 1 };
    let after: Record<string, number> = {};
    await waitFor("counts in analytics", async () => {
      after = await evaluationsByFeature(token);
      return after.checkout_button_text === expected.checkout_button_text && after.legacy_search === expected.legacy_search;
    }, 10_000);
    expect({ checkout_button_text: after.checkout_button_text, legacy_search: after.legacy_search }).toEqual(expected);
  });
});
