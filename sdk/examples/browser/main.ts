// Browser entry: renders the flags into the page and re-renders on every change.
// Build: `npx vite build sdk/examples/browser` (output in sdk/examples/browser/dist), or serve it with
// `npx vite sdk/examples/browser --port 5173` (http://localhost:5173 is an allowed origin of the
// demo web client) while `npm run dev` runs FluxGate on :8787.
import { render, setUpFlags } from "./flags";

const output = document.querySelector<HTMLPreElement>("#flags")!;
const bootstrapJson = document.querySelector<HTMLScriptElement>("#fluxgate-bootstrap")?.textContent?.trim();

const { client } = await setUpFlags({
  baseUrl: "http://127.0.0.1:8787",
  webSecret: "fg_local_web_demo_secret",
  user: { targetingKey: "user-42", role: "admin" },
  ...(bootstrapJson ? { bootstrap: JSON.parse(bootstrapJson) } : {}),
  onChange: (flags) => {
    output.textContent = JSON.stringify(render(client), null, 2) + `\n\nchanged: ${flags.join(", ")}`;
  },
});
output.textContent = JSON.stringify(render(client), null, 2);
