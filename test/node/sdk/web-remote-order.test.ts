// The web provider's remote mode only moves forward: a poll overtaken by a context change's refetch
// is dropped, an answer naming an older flag-set version (another isolate not yet caught up) is
// ignored, and an older version that persists (the environment's versions restarted) is taken.
import { ProviderEvents } from "@openfeature/web-sdk";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FluxGateWebProvider, OLDER_VERSION_ACCEPTED_AFTER_MS } from "../../../sdk/src/openfeature/web-provider";

interface Pending { context: Record<string, unknown>; answer(version: number, text: string): void }

/** An OFREP bulk endpoint whose answers the test releases one by one, in any order. */
function controlledServer() {
  const pending: Pending[] = [];
  const fetch = (async (_url: string, init: RequestInit): Promise<Response> => {
    const { context } = JSON.parse(String(init.body)) as { context: Record<string, unknown> };
    return new Promise<Response>((resolve) => pending.push({
      context,
      answer: (version, text) => resolve(new Response(JSON.stringify({
        flags: [{ key: "banner", value: text, variant: text, reason: "TARGETING_MATCH", metadata: {} }],
        metadata: { flagSetVersion: version },
      }), { status: 200, headers: { "Content-Type": "application/json", ETag: `"v${version}-${text}"` } })),
    }));
  }) as typeof globalThis.fetch;
  return { fetch, pending };
}

async function ready(server: ReturnType<typeof controlledServer>, pollIntervalMs: number) {
  const provider = new FluxGateWebProvider({ mode: "remote", baseUrl: "http://127.0.0.1:9", credential: "fg_test", fetch: server.fetch, pollIntervalMs });
  const changed: string[][] = [];
  provider.events.addHandler(ProviderEvents.ConfigurationChanged, (details) => void changed.push((details?.flagsChanged as string[] | undefined) ?? []));
  const started = provider.initialize({ targetingKey: "user-1" });
  await vi.waitFor(() => expect(server.pending).toHaveLength(1));
  server.pending.shift()!.answer(5, "v5");
  await started;
  return { provider, changed, banner: () => provider.resolveStringEvaluation("banner", "default", {}).value };
}

afterEach(() => void vi.useRealTimers());

describe("web provider, remote mode: answers only move forward", () => {
  it("drops a poll answer for the old context that arrives after the new context's answer", async () => {
    vi.useFakeTimers();
    const server = controlledServer();
    const { provider, banner } = await ready(server, 1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.pending.map((p) => p.context)).toEqual([{ targetingKey: "user-1" }]);
    const poll = server.pending.shift()!;

    const switched = provider.onContextChange({ targetingKey: "user-1" }, { targetingKey: "user-2" });
    await vi.waitFor(() => expect(server.pending.map((p) => p.context)).toEqual([{ targetingKey: "user-2" }]));
    server.pending.shift()!.answer(5, "for user-2");
    await switched;
    poll.answer(6, "for user-1");
    await vi.advanceTimersByTimeAsync(0);
    expect(banner()).toBe("for user-2");
    await provider.onClose();
  });

  it("ignores an answer naming an older version, takes the next newer one", async () => {
    vi.useFakeTimers();
    const server = controlledServer();
    const { provider, changed, banner } = await ready(server, 1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    server.pending.shift()!.answer(4, "v4");
    await vi.advanceTimersByTimeAsync(0);
    expect([banner(), changed]).toEqual(["v5", []]);

    await vi.advanceTimersByTimeAsync(1_000);
    server.pending.shift()!.answer(6, "v6");
    await vi.advanceTimersByTimeAsync(0);
    expect([banner(), changed]).toEqual(["v6", [["banner"]]]);
    await provider.onClose();
  });

  it(`takes an older version answered for ${OLDER_VERSION_ACCEPTED_AFTER_MS / 1000} s: the environment's versions restarted`, async () => {
    vi.useFakeTimers();
    const server = controlledServer();
    const { provider, changed, banner } = await ready(server, 1_000);
    const seen: string[] = [];
    for (let second = 1; second <= OLDER_VERSION_ACCEPTED_AFTER_MS / 1000 + 1; second++) {
      await vi.advanceTimersByTimeAsync(1_000);
      server.pending.shift()!.answer(1, "after restart");
      await vi.advanceTimersByTimeAsync(0);
      seen.push(banner() as string);
    }
    expect(seen).toEqual([...Array(OLDER_VERSION_ACCEPTED_AFTER_MS / 1000).fill("v5"), "after restart"]);
    expect(changed).toEqual([["banner"]]);
    await provider.onClose();
  });
});
