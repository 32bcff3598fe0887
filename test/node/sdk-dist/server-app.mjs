// A Node application of the installed @fluxgate/sdk tarball, in plain JavaScript (no TypeScript,
// no loader): run by test/node/sdk-dist.test.ts with the machine's Node 20 and with Node 22.
// argv: <stream base URL> <snapshot v1 JSON file> <scratch directory>. Prints one JSON line.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { OpenFeature } from "@openfeature/server-sdk";
import WebSocket from "ws";
import { FluxGateError, FluxGateLocalClient, SDK_NAME } from "@fluxgate/sdk";
import { FileSnapshotStorage } from "@fluxgate/sdk/node";
import { FluxGateServerProvider } from "@fluxgate/sdk/openfeature/server";

const [baseUrl, snapshotFile, scratch] = process.argv.slice(2);
const bootstrap = JSON.parse(await readFile(snapshotFile, "utf8"));
const credential = "fg_dist_test";
const brief = ({ value, variant, reason }) => ({ value, variant, reason });

// Node 20 has no global WebSocket: without an injected one the client refuses with a typed error.
let withoutWebSocket = "global WebSocket present";
if (typeof globalThis.WebSocket === "undefined") {
  try {
    await new FluxGateLocalClient({ baseUrl, credential, evaluationCounts: false }).start();
    withoutWebSocket = "started";
  } catch (error) {
    withoutWebSocket = error instanceof FluxGateError ? error.code : String(error);
  }
}

const client = new FluxGateLocalClient({ baseUrl, credential, webSocket: WebSocket, bootstrap, evaluationCounts: false });
const fromBootstrap = {
  admin: brief(client.evaluate("BetaUsers", { targetingKey: "u-1", role: "admin" })),
  viewer: brief(client.evaluate("BetaUsers", { targetingKey: "u-2", role: "viewer" })),
  staffEmail: brief(client.evaluate("staff_tools", { targetingKey: "u-3", email: "ada@acme.test" })),
  otherEmail: brief(client.evaluate("staff_tools", { targetingKey: "u-4", email: "eve@example.com" })),
};
const changed = new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("no new version from the stream within 10 s")), 10_000);
  client.events.on("changed", (update) => {
    clearTimeout(timer);
    resolve(update);
  });
});
await client.start();
const { version, flagsChanged } = await changed;
const fromStream = { version, flagsChanged, checkout: brief(client.evaluate("checkout_button_text", { targetingKey: "u-1" })) };
await client.close();

// The OpenFeature server provider from its own entry, bootstrapped (READY before any connection).
await OpenFeature.setProviderAndWait(new FluxGateServerProvider({
  mode: "local", baseUrl, credential, webSocket: WebSocket, bootstrap, evaluationCounts: false,
}));
const openFeature = await OpenFeature.getClient().getBooleanDetails("BetaUsers", false, { targetingKey: "u-1", role: "admin" });
await OpenFeature.close();

const storage = new FileSnapshotStorage(path.join(scratch, "snapshots", "development.json"));
await storage.save(bootstrap);
const stored = await storage.load();

console.log(JSON.stringify({
  node: process.version, sdk: SDK_NAME, withoutWebSocket, fromBootstrap, fromStream,
  openFeature: { value: openFeature.value, variant: openFeature.variant, reason: openFeature.reason },
  storedVersion: stored?.version,
}));
