// The browser example's setup (browser/flags.ts) run in Node against `npm run dev`, as a smoke test
// of the web provider in local mode: first render from a bootstrap snapshot, then live updates.
//
//   npm run dev                                    # FluxGate on :8787
//   npx tsx sdk/examples/web-provider.ts [seconds]  # default 5
import { OpenFeature } from "@openfeature/web-sdk";
import { FluxGateLocalClient } from "../src/index";
import { render, setUpFlags } from "./browser/flags";

const baseUrl = process.env.FLUXGATE_URL ?? "http://127.0.0.1:8787";
const seconds = Number(process.argv[2] ?? 5);

// What a server would render into the page: the current snapshot (here taken with the server secret).
const server = new FluxGateLocalClient({ baseUrl, credential: "fg_local_development_demo_secret", evaluationCounts: false });
await server.start();
const bootstrap = server.document!;
await server.close();

const { client, provider } = await setUpFlags({
  baseUrl,
  webSecret: "fg_local_web_demo_secret",
  user: { targetingKey: "user-42", role: "admin" },
  bootstrap,
  onChange: (flags) => console.log(`changed: ${flags.join(", ")} ->`, JSON.stringify(render(client))),
});
console.log(`first render (snapshot v${provider.local?.version}, status ${provider.local?.status}):`, JSON.stringify(render(client)));
await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
console.log(`stream status ${provider.local?.status}, version ${provider.local?.version}`);
await OpenFeature.close();
