// Offline behaviour against the real stack: the SDK reaches `npm run dev` through a loopback TCP
// relay owned by the test, so the network can be cut (relay stops listening and drops every
// connection) and restored on the same address. While cut, the SDK keeps serving the last snapshot
// and reports STALE; when restored it reconnects by itself, resumes from its version, and is READY.
// A client pointed at a dead port with a stored snapshot serves it at once and reports STALE.
import { OpenFeature, ProviderEvents, ProviderStatus } from "@openfeature/server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemorySnapshotStorage } from "../../sdk/src/index";
import { FluxGateServerProvider } from "../../sdk/src/openfeature/server-provider";
import { freePort } from "./support/dev-stack";
import { DEV_SERVER_SECRET } from "./support/demo";
import { waitFor } from "./support/sdk-stack";
import { Relay } from "./support/tcp-relay";
import { useDevStack } from "./support/use-dev-stack";

const stack = useDevStack();

let relay: Relay;
beforeAll(async () => {
  relay = new Relay(await freePort(), () => new URL(stack.baseUrl));
  await relay.up();
});
afterAll(async () => {
  await OpenFeature.close();
  await relay.down();
});

describe("SDK offline", () => {
  it("keeps serving the last snapshot and emits STALE when the network is cut, then reconnects and emits READY", async () => {
    const storage = new MemorySnapshotStorage();
    const provider = new FluxGateServerProvider({
      mode: "local", baseUrl: `http://127.0.0.1:${relay.port}`, credential: DEV_SERVER_SECRET, storage,
      evaluationCounts: false, reconnect: { initialMs: 100, maxMs: 400 },
    });
    const events: string[] = [];
    for (const event of [ProviderEvents.Ready, ProviderEvents.Stale, ProviderEvents.Error]) {
      provider.events.addHandler(event, () => void events.push(event));
    }
    await OpenFeature.setProviderAndWait("offline", provider);
    const client = OpenFeature.getClient("offline");
    const admin = { targetingKey: "user-1", role: "admin" };
    expect(await client.getBooleanValue("BetaUsers", false, admin)).toBe(true);
    const version = provider.local!.version;
    expect(storage.load()?.version).toBe(version);

    await relay.down();
    await waitFor("STALE", () => client.providerStatus === ProviderStatus.STALE, 5_000);
    expect(events).toEqual([ProviderEvents.Stale]);
    // Offline: still the last snapshot's values, no error.
    const offline = await client.getBooleanDetails("BetaUsers", false, admin);
    expect(offline).toMatchObject({ value: true, variant: "on", reason: "TARGETING_MATCH" });
    expect(offline.errorCode).toBeUndefined();
    await new Promise((r) => setTimeout(r, 1_000)); // a few failed reconnects
    expect(client.providerStatus).toBe(ProviderStatus.STALE);

    await relay.up();
    await waitFor("READY again", () => client.providerStatus === ProviderStatus.READY, 10_000);
    expect(events).toEqual([ProviderEvents.Stale, ProviderEvents.Ready]);
    expect(provider.local!.version).toBe(version);
    expect(await client.getStringValue("checkout_button_text", "x", { targetingKey: "user-1" })).toMatch(/^(Buy now|Complete purchase)$/);
  });

  it("pointed at a dead port with a stored snapshot: initialises at once serving the stored values, and reports STALE", async () => {
    const storage = new MemorySnapshotStorage();
    const seed = new FluxGateServerProvider({ mode: "local", baseUrl: stack.baseUrl, credential: DEV_SERVER_SECRET, storage, evaluationCounts: false });
    await seed.initialize();
    await seed.onClose();

    const dead = `http://127.0.0.1:${await freePort()}`;
    const provider = new FluxGateServerProvider({
      mode: "local", baseUrl: dead, credential: DEV_SERVER_SECRET, storage, evaluationCounts: false, staleAfterMs: 300,
    });
    await OpenFeature.setProviderAndWait("dead", provider);
    const client = OpenFeature.getClient("dead");
    const stale: unknown[] = [];
    client.addHandler(ProviderEvents.Stale, (details) => void stale.push(details));
    expect(await client.getNumberValue("max_upload_mb", 0, { targetingKey: "u", plan: "pro" })).toBe(100);
    await waitFor("STALE", () => client.providerStatus === ProviderStatus.STALE, 5_000);
    expect(await client.getNumberValue("max_upload_mb", 0, { targetingKey: "u", plan: "pro" })).toBe(100);
    expect(stale.length).toBeGreaterThanOrEqual(1);
  });
});
