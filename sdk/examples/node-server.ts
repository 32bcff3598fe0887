// Node server example, local mode: the OpenFeature server SDK with FluxGate's provider streams the
// development snapshot over GET /v1/stream and evaluates every flag in-process (no network round
// trip per evaluation), prints changes as they arrive, and keeps the last snapshot in a file so a
// restart serves flags even while FluxGate is unreachable.
//
//   npm run dev                                   # in another shell: FluxGate on :8787
//   npx tsx sdk/examples/node-server.ts [seconds] # default 10 s, then closes (flushing counts)
//
// Env: FLUXGATE_URL (default http://127.0.0.1:8787), FLUXGATE_SECRET (default the demo server secret).
// On Node 20 (no global WebSocket) pass one: `import WebSocket from "ws"` and `webSocket: WebSocket`.
import { tmpdir } from "node:os";
import path from "node:path";
import { OpenFeature, ProviderEvents } from "@openfeature/server-sdk";
import { FileSnapshotStorage } from "../src/node";
import { FluxGateServerProvider, flagsChangedOf } from "../src/openfeature/server-provider";

const baseUrl = process.env.FLUXGATE_URL ?? "http://127.0.0.1:8787";
const credential = process.env.FLUXGATE_SECRET ?? "fg_local_development_demo_secret";
const seconds = Number(process.argv[2] ?? 10);

const provider = new FluxGateServerProvider({
  mode: "local",
  baseUrl,
  credential,
  storage: new FileSnapshotStorage(path.join(tmpdir(), "fluxgate-example", "snapshot.json")),
  logger: console,
});
provider.events.addHandler(ProviderEvents.ConfigurationChanged, (details) =>
  console.log(`changed: ${flagsChangedOf(details).join(", ")} (version ${provider.local?.version})`));
provider.events.addHandler(ProviderEvents.Stale, (details) => console.log(`stale: ${details?.message}`));
provider.events.addHandler(ProviderEvents.Ready, () => console.log("ready again"));
provider.events.addHandler(ProviderEvents.Error, (details) => console.log(`error: ${details?.message}`));

await OpenFeature.setProviderAndWait(provider);
const flags = OpenFeature.getClient();
console.log(`serving snapshot version ${provider.local?.version} of ${provider.local?.document?.environment.key}`);

const users: Record<string, string>[] = [{ targetingKey: "user-1", role: "admin" }, { targetingKey: "user-42", plan: "pro" }, { targetingKey: "user-7" }];
for (const user of users) {
  const row = {
    user: user.targetingKey,
    BetaUsers: await flags.getBooleanValue("BetaUsers", false, user),
    checkout_button_text: await flags.getStringValue("checkout_button_text", "Buy", user),
    max_upload_mb: await flags.getNumberValue("max_upload_mb", 5, user),
    homepage_layout: await flags.getObjectValue("homepage_layout", {}, user),
    new_checkout_flow: await flags.getBooleanValue("new_checkout_flow", false, user),
    dark_mode: await flags.getBooleanValue("dark_mode", false, user),
    legacy_search: await flags.getBooleanValue("legacy_search", true, user),
  };
  console.log(JSON.stringify(row));
}

// The direct API (no OpenFeature): the same engine, one call.
const direct = provider.local!.evaluate("dark_mode", { targetingKey: "user-3" });
console.log(`direct: dark_mode for user-3 = ${direct.value} (${direct.reason}, variant ${direct.variant})`);

await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
await OpenFeature.close(); // closes the stream and uploads the evaluation counts
console.log(`closed; evaluation counts sent: ${JSON.stringify(provider.local?.countStats)}`);
