// OFREP SSE streams of one isolate share one events socket per environment and credential
// (workers/evaluation/delivery/shared-feed.ts), on the environment's relay: every stream still gets
// every change, a stream joining late starts at the current version, the owner leaving hands the
// socket over without a gap, and a revoked client ends exactly its own streams.
import { env, exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_CLIENT_IDS, DEMO_ENVIRONMENT_IDS, DEMO_SECRETS } from "../../../db/seed/demo-data";
import { relayName } from "../../../durable-objects/subscriber-relay/naming";
import { clearClientCache } from "../../../workers/evaluation/data/client-auth";
import { eventually, freshStart, tokenOf } from "../control/support/actors";
import { gql, ok } from "../control/support/graphql";
import { rolloutDarkMode } from "./support/rollout";
import { cancelOpenReaders, SseReader } from "./support/sse-reader";

const BASE = "http://fluxgate.test";
const DEVELOPMENT = DEMO_ENVIRONMENT_IDS.development;
const refetch = (version: number) => JSON.stringify({ type: "refetchEvaluation", etag: String(version) });

async function streamUrl(secret: string): Promise<string> {
  const response = await exports.default.fetch(`${BASE}/ofrep/v1/evaluate/flags`, {
    method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${secret}` },
    body: JSON.stringify({ context: { targetingKey: "user-1" } }),
  });
  return ((await response.json()) as { eventStreams: { url: string }[] }).eventStreams[0]!.url;
}

/** An open stream (server client unless told), after its first id. */
async function stream(url: string, origin?: string): Promise<{ sse: SseReader; id: number }> {
  const sse = new SseReader(await exports.default.fetch(url, { headers: origin ? { Origin: origin } : {} }));
  const id = Number((await sse.next((f) => f.id !== undefined)).id);
  return { sse, id };
}

const eventsSockets = () => runInDurableObject(env.RELAYS.getByName(relayName(DEVELOPMENT, "any", 0)), (_i, state) => state.getWebSockets("events").length);

beforeEach(async () => {
  await freshStart();
  clearClientCache();
});
afterEach(cancelOpenReaders);

describe("OFREP SSE streams in one isolate", () => {
  it("share one events socket per credential, and each gets every change", async () => {
    const url = await streamUrl(DEMO_SECRETS.development);
    const first = await stream(url);
    const second = await stream(url);
    const third = await stream(url);
    expect([second.id, third.id]).toEqual([first.id, first.id]);
    expect(await eventsSockets()).toBe(1);
    await rolloutDarkMode(60);
    for (const { sse } of [first, second, third]) {
      expect(await sse.nextEvent()).toMatchObject({ id: String(first.id + 1), data: refetch(first.id + 1) });
    }
    // A stream joining now starts at the current version.
    const late = await stream(url);
    expect(late.id).toBe(first.id + 1);
    expect(await eventsSockets()).toBe(1);
  });

  it("hand the socket over when the stream that opened it leaves, without missing a change", async () => {
    const url = await streamUrl(DEMO_SECRETS.development);
    const owner = await stream(url);
    const other = await stream(url);
    await owner.sse.cancel();
    await rolloutDarkMode(70);
    expect(await other.sse.nextEvent(5000)).toMatchObject({ id: String(owner.id + 1), data: refetch(owner.id + 1) });
    expect(await eventually(eventsSockets, (n) => n === 1)).toBe(1);
    await other.sse.cancel();
    expect(await eventually(eventsSockets, (n) => n === 0)).toBe(0);
  });

  it("end for a disabled client only: another client's streams keep their own socket and keep receiving", async () => {
    const server = await stream(await streamUrl(DEMO_SECRETS.development));
    const alsoServer = await stream(await streamUrl(DEMO_SECRETS.development));
    const web = await stream(await streamUrl(DEMO_SECRETS.web), "http://localhost:5173");
    expect(await eventsSockets()).toBe(2);
    ok(await gql(`mutation($id: ID!) { disableClient(id: $id) { enabled } }`, { id: DEMO_CLIENT_IDS.development }, await tokenOf("teamadmin")));
    expect(await server.sse.endsWithin(3000)).toBe(true);
    expect(await alsoServer.sse.endsWithin(3000)).toBe(true);
    await rolloutDarkMode(80);
    expect(await web.sse.nextEvent()).toMatchObject({ data: refetch(web.id + 1) });
    expect(await eventually(eventsSockets, (n) => n === 1)).toBe(1);
  });
});
