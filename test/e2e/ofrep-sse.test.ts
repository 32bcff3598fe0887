// OFREP push end to end: the official OpenFeature web SDK with the OFREP web provider against the
// real `npm run dev` stack, polling disabled, change detection by SSE only. The provider follows
// the bulk response's eventStreams URL with a real EventSource (undici's, the implementation Node
// itself ships behind --experimental-eventsource); a flag change made through the admin GraphQL
// API must reach it as PROVIDER_CONFIGURATION_CHANGED with the new value within a bounded time.
import { OFREPWebProvider } from "@openfeature/ofrep-web-provider";
import { OpenFeature, ProviderEvents, ProviderStatus, type EventDetails } from "@openfeature/web-sdk";
import { EventSource as UndiciEventSource } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_FEATURE_IDS } from "../../db/seed/demo-data";
import { bearer, WEB_CLIENT_SECRET } from "./support/demo";
import { adminToken, graphql } from "./support/sdk-stack";
import { useDevStack } from "./support/use-dev-stack";

/** The real EventSource, recording the URLs it was opened with and the events it dispatched. */
const opened: string[] = [];
const messages: string[] = [];
class RecordingEventSource extends UndiciEventSource {
  constructor(url: string | URL, init?: ConstructorParameters<typeof UndiciEventSource>[1]) {
    super(url, init);
    opened.push(String(url));
    this.addEventListener("message", (event) => messages.push(String(event.data)));
  }
}

const DELIVERY_BOUND_MS = 3000;
const stack = useDevStack();
const context = { targetingKey: "user-42", role: "admin" };

beforeAll(async () => {
  (globalThis as { EventSource?: unknown }).EventSource = RecordingEventSource;
  const provider = new OFREPWebProvider({
    baseUrl: stack.baseUrl,
    headers: [bearer(WEB_CLIENT_SECRET)],
    pollInterval: 0, // no polling: only the event stream can bring changes
    changeDetection: "sse",
    cacheMode: "disabled",
  });
  await OpenFeature.setContext(context);
  await OpenFeature.setProviderAndWait(provider);
});

afterAll(async () => {
  await OpenFeature.close();
  delete (globalThis as { EventSource?: unknown }).EventSource;
});

describe("OFREP web provider with SSE change detection against the dev stack", () => {
  it("is READY and connected to the environment's event stream offered by the bulk response", async () => {
    expect(OpenFeature.getClient().providerStatus).toBe(ProviderStatus.READY);
    expect(opened).toHaveLength(1);
    const url = new URL(opened[0]!);
    expect(`${url.origin}${url.pathname}`).toBe(`${stack.baseUrl}/ofrep/v1/events`);
    expect(url.searchParams.get("token")).toMatch(/^[0-9a-f-]{36}\.[0-9a-f-]{36}\.\d+\.[A-Za-z0-9_-]{43}$/);
    expect(opened[0]).not.toContain(WEB_CLIENT_SECRET);
  });

  it("gets a kill switch engaged through GraphQL as CONFIGURATION_CHANGED with the new value, within the bound", async () => {
    const client = OpenFeature.getClient();
    expect(client.getBooleanDetails("BetaUsers", false)).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
    const token = await adminToken(stack.adminUrl);
    // Let the stream reach the environment object before the change (it opens right after READY).
    await new Promise((resolve) => setTimeout(resolve, 500));

    const changed = new Promise<{ flagsChanged?: string[]; at: number }>((resolve) => {
      const handler = (details?: EventDetails) => {
        OpenFeature.removeHandler(ProviderEvents.ConfigurationChanged, handler);
        resolve({ flagsChanged: details?.flagsChanged as string[] | undefined, at: Date.now() });
      };
      OpenFeature.addHandler(ProviderEvents.ConfigurationChanged, handler);
    });
    const started = Date.now();
    await graphql(stack.adminUrl, "mutation($id: ID!) { emergencyDisableFeature(id: $id) { killSwitchEnabled } }", { id: DEMO_FEATURE_IDS.BetaUsers }, token);
    const event = await Promise.race([
      changed,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no CONFIGURATION_CHANGED within ${DELIVERY_BOUND_MS} ms`)), DELIVERY_BOUND_MS)),
    ]);
    const elapsedMs = event.at - started;
    console.info(`kill switch -> provider CONFIGURATION_CHANGED in ${elapsedMs} ms (includes the mutation and the provider's debounce)`);
    expect(elapsedMs).toBeLessThan(DELIVERY_BOUND_MS);
    expect(event.flagsChanged).toContain("BetaUsers");
    expect(messages.map((m) => JSON.parse(m))).toContainEqual({ type: "refetchEvaluation", etag: expect.stringMatching(/^\d+$/) });
    expect(client.getBooleanDetails("BetaUsers", true)).toMatchObject({ value: false, reason: "DISABLED" });
  });
});
