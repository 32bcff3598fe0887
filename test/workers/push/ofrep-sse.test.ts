// OFREP push: the bulk response's eventStreams entry and the SSE stream it points at
// (GET /ofrep/v1/events?token=...), end to end through the real Worker, D1, KV and the
// environment objects: real GraphQL mutations, real publishes.
import { env, exports } from "cloudflare:workers";
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_CLIENT_IDS, DEMO_ENVIRONMENT_IDS, DEMO_SECRET_HASHES, DEMO_SECRETS } from "../../../db/seed/demo-data";
import { environmentHub } from "../../../durable-objects/hub";
import { relayName } from "../../../durable-objects/subscriber-relay/naming";
import { clearClientCache } from "../../../workers/evaluation/data/client-auth";
import { mintSseToken, sseTokenKey } from "../../../workers/evaluation/data/ofrep-sse-token";
import { eventually, freshStart, tokenOf } from "../control/support/actors";
import { gql, ok } from "../control/support/graphql";
import { rolloutDarkMode } from "./support/rollout";
import { cancelOpenReaders, SseReader } from "./support/sse-reader";
import { assertOfrepConformant } from "../../e2e/support/ofrep-schema";

const BASE = "http://fluxgate.test";
const DEVELOPMENT = DEMO_ENVIRONMENT_IDS.development;
const refetch = (version: number | string) => JSON.stringify({ type: "refetchEvaluation", etag: String(version) });
const context = { context: { targetingKey: "user-1" } };

async function bulk(secret: string, headers: Record<string, string> = {}) {
  const url = new URL(`${BASE}/ofrep/v1/evaluate/flags`);
  const response = await exports.default.fetch(url, {
    method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${secret}`, ...headers },
    body: JSON.stringify(context),
  });
  const text = await response.text();
  assertOfrepConformant({ method: "POST", url, status: response.status, responseHeaders: response.headers, responseText: text });
  return { response, json: (response.status === 304 ? null : JSON.parse(text)) as { eventStreams?: { type: string; url: string; inactivityDelaySec: number }[]; metadata: { flagSetVersion: number } } };
}

async function streamUrl(secret: string = DEMO_SECRETS.development): Promise<string> {
  const { json } = await bulk(secret);
  return json.eventStreams![0]!.url;
}

const open = (url: string, headers: Record<string, string> = {}) => exports.default.fetch(url, { headers });

async function errorOf(response: Response) {
  return { status: response.status, body: await response.json() as { errorCode: string } };
}


beforeEach(async () => {
  await freshStart();
  clearClientCache();
});
// Streams end with their test even when it fails half-way (an open one would feed the next test).
afterEach(cancelOpenReaders);

describe("the bulk response's eventStreams", () => {
  it("offers one SSE stream of the client's environment on this origin, with a token instead of the secret", async () => {
    const { response, json } = await bulk(DEMO_SECRETS.development);
    expect(response.status).toBe(200);
    expect(json.eventStreams).toHaveLength(1);
    const [stream] = json.eventStreams!;
    expect(stream!.type).toBe("sse");
    expect(stream!.inactivityDelaySec).toBe(120);
    const url = new URL(stream!.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${BASE}/ofrep/v1/events`);
    const token = url.searchParams.get("token")!;
    expect(token.split(".").slice(0, 2)).toEqual([DEVELOPMENT, DEMO_CLIENT_IDS.development]);
    expect(url.searchParams.get("v")).toBe(String(json.metadata.flagSetVersion));
    expect(stream!.url).not.toContain(DEMO_SECRETS.development);
    expect(stream!.url).not.toContain(DEMO_SECRET_HASHES.development);
  });

  it("is stable between evaluations, so If-None-Match still answers 304", async () => {
    const first = await bulk(DEMO_SECRETS.development);
    const second = await bulk(DEMO_SECRETS.development, { "If-None-Match": first.response.headers.get("ETag")! });
    expect(second.response.status).toBe(304);
  });
});

describe("SSE stream authentication", () => {
  it("refuses a missing, malformed, tampered or expired token with 401 UNAUTHORIZED", async () => {
    const url = new URL(await streamUrl());
    const token = url.searchParams.get("token")!;
    const tampered = `${token.slice(0, -2)}${token.endsWith("AA") ? "AB" : "AA"}`;
    const key = await sseTokenKey(env.AUTH_ENCRYPTION_KEY!);
    const expired = await mintSseToken(key, {
      environmentId: DEVELOPMENT, clientId: DEMO_CLIENT_IDS.development, secretHash: DEMO_SECRET_HASHES.development,
    }, Date.now() - 26 * 3600_000);
    const otherEnvironment = token.replace(DEVELOPMENT, DEMO_ENVIRONMENT_IDS.production);
    for (const query of ["", "?token=", "?token=abc", `?token=${tampered}`, `?token=${expired}`, `?token=${otherEnvironment}`]) {
      const response = await open(`${BASE}/ofrep/v1/events${query}`);
      expect(await errorOf(response), query).toMatchObject({ status: 401, body: { errorCode: "UNAUTHORIZED" } });
      expect(response.headers.get("Content-Type")).toBe("application/json");
    }
  });

  it("refuses a token after the client's secret was rotated (401) and while the client is disabled (403)", async () => {
    const url = await streamUrl();
    const admin = await tokenOf("teamadmin");
    ok(await gql(`mutation($id: ID!) { disableClient(id: $id) { enabled } }`, { id: DEMO_CLIENT_IDS.development }, admin));
    expect(await errorOf(await open(url))).toMatchObject({ status: 403, body: { errorCode: "FORBIDDEN" } });
    ok(await gql(`mutation($id: ID!) { enableClient(id: $id) { enabled } }`, { id: DEMO_CLIENT_IDS.development }, admin));
    ok(await gql(`mutation($id: ID!) { rotateClientSecret(id: $id) { secret } }`, { id: DEMO_CLIENT_IDS.development }, admin));
    expect(await errorOf(await open(url))).toMatchObject({ status: 401, body: { errorCode: "UNAUTHORIZED" } });
  });

  it("applies the evaluation routes' CORS rules to browser origins", async () => {
    const webUrl = await streamUrl(DEMO_SECRETS.web);
    const listed = new SseReader(await open(webUrl, { Origin: "http://localhost:5173" }));
    expect(listed.response.status).toBe(200);
    expect(listed.response.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:5173");
    await listed.cancel();

    const unlisted = await open(webUrl, { Origin: "https://evil.example" });
    expect(await errorOf(unlisted)).toEqual({ status: 403, body: { errorCode: "ORIGIN_NOT_ALLOWED", errorDetails: "origin https://evil.example is not allowed for this client; add it to the web client's allowed origins (scheme, host and port must match exactly)" } });
    expect(unlisted.headers.get("Access-Control-Allow-Origin")).toBe("https://evil.example");

    const serverInBrowser = await open(await streamUrl(), { Origin: "http://localhost:5173" });
    expect(await errorOf(serverInBrowser)).toEqual({ status: 403, body: { errorCode: "SERVER_CLIENT_IN_BROWSER", errorDetails: "a server client's secret may not be used from a browser (the request carries an Origin header); use a web client's secret in web pages" } });
    expect(serverInBrowser.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:5173");

    const anonymous = await open(`${BASE}/ofrep/v1/events?token=nope`, { Origin: "https://evil.example" });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("Access-Control-Allow-Origin")).toBe("https://evil.example");
  });

  it("answers other methods 405 with Allow: GET", async () => {
    const response = await exports.default.fetch(`${BASE}/ofrep/v1/events`, { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("GET");
  });
});

describe("SSE stream delivery", () => {
  it("streams text/event-stream and sends refetchEvaluation with the new version after a GraphQL mutation", async () => {
    const response = await open(await streamUrl());
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/event-stream; charset=utf-8");
    expect(response.headers.get("Cache-Control")).toBe("no-cache, no-transform");
    const sse = new SseReader(response);
    expect(await sse.next((f) => f.retry !== undefined)).toMatchObject({ retry: "2000" });
    const opened = await sse.next((f) => f.id !== undefined);
    expect(opened).toEqual({ id: expect.stringMatching(/^\d+$/), comments: [] });
    await rolloutDarkMode();
    expect(await sse.nextEvent()).toEqual({ event: "message", id: String(Number(opened.id) + 1), data: refetch(Number(opened.id) + 1), comments: [] });
    await sse.cancel();
  });

  it("resumes from Last-Event-ID: a refetch at once when the version moved since, nothing when it did not", async () => {
    const url = await streamUrl();
    const first = new SseReader(await open(url));
    const seen = Number((await first.next((f) => f.id !== undefined)).id);
    await first.cancel();
    await rolloutDarkMode();

    const moved = new SseReader(await open(url, { "Last-Event-ID": String(seen) }));
    expect(await moved.nextEvent()).toEqual({ event: "message", id: String(seen + 1), data: refetch(seen + 1), comments: [] });
    await moved.cancel();

    const current = new SseReader(await open(url, { "Last-Event-ID": String(seen + 1) }));
    expect(await current.next((f) => f.id !== undefined)).toEqual({ id: String(seen + 1), comments: [] });
    await expect(current.nextEvent(300)).rejects.toThrow(/no matching frame/);
    await current.cancel();
  });

  it("announces at once a change published between the bulk response and the stream's first connection", async () => {
    // After freshStart the object's versions restart at 1 while this isolate may still cache an
    // earlier test's document: wait until the evaluation serves the object's current version.
    const current = (await environmentHub(env, DEVELOPMENT).getSnapshot()).version;
    const evaluated = await eventually(() => bulk(DEMO_SECRETS.development), (b) => b.json.metadata.flagSetVersion === current);
    const url = evaluated.json.eventStreams![0]!.url; // issued at the version this evaluation saw (v=...)
    const issuedAt = Number(new URL(url).searchParams.get("v"));
    expect(issuedAt).toBe(current);
    await rolloutDarkMode();
    const now = (await environmentHub(env, DEVELOPMENT).getSnapshot()).version;
    expect(now).not.toBe(issuedAt);
    const sse = new SseReader(await open(url));
    expect(await sse.nextEvent()).toEqual({ event: "message", id: String(now), data: refetch(now), comments: [] });
    await sse.cancel();
  });

  it("has the refetch it triggers answered from the announced version, not an older cached snapshot (flagConfigEtag)", async () => {
    const url = await streamUrl();
    const sse = new SseReader(await open(url));
    const current = Number((await sse.next((f) => f.id !== undefined)).id);
    // This isolate caches the current version (after the objects' reset it may briefly hold an older run's).
    const before = await eventually(() => bulk(DEMO_SECRETS.development), (b) => b.json.metadata.flagSetVersion === current);
    expect(before.json.metadata.flagSetVersion).toBe(current);
    await rolloutDarkMode();
    const notice = JSON.parse((await sse.nextEvent()).data!) as { etag: string };
    // Within SNAPSHOT_REVALIDATE_MS the cache would still answer the old body (a 304 hiding the change).
    const response = await exports.default.fetch(`${BASE}/ofrep/v1/evaluate/flags?flagConfigEtag=${notice.etag}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${DEMO_SECRETS.development}`, "If-None-Match": before.response.headers.get("ETag")! },
      body: JSON.stringify(context),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { metadata: { flagSetVersion: number } }).metadata.flagSetVersion).toBe(Number(notice.etag));
    await sse.cancel();
  });

  it("survives a restart of the environment object and still delivers the next change", async () => {
    const sse = new SseReader(await open(await streamUrl()));
    const opened = Number((await sse.next((f) => f.id !== undefined)).id);
    await abortAllDurableObjects();
    await rolloutDarkMode();
    expect(await sse.nextEvent(5000)).toEqual({ event: "message", id: String(opened + 1), data: refetch(opened + 1), comments: [] });
    await sse.cancel();
  });

  it("closes its events socket when the client goes away", async () => {
    // The stream's feed is a socket on the environment's relay (no location in tests: region "any").
    const sockets = () => runInDurableObject(env.RELAYS.getByName(relayName(DEVELOPMENT, "any", 0)), (_instance, state) => state.getWebSockets("events").length);
    const before = await sockets();
    const sse = new SseReader(await open(await streamUrl()));
    await sse.next((f) => f.id !== undefined);
    expect(await sockets()).toBe(before + 1);
    await sse.cancel();
    expect(await eventually(sockets, (n) => n === before)).toBe(before);
  });

  it("ends when the client is disabled", async () => {
    const sse = new SseReader(await open(await streamUrl()));
    await sse.next((f) => f.id !== undefined);
    ok(await gql(`mutation($id: ID!) { disableClient(id: $id) { enabled } }`, { id: DEMO_CLIENT_IDS.development }, await tokenOf("teamadmin")));
    expect(await sse.endsWithin(3000)).toBe(true);
  });
});
