// The local client over a real WebSocket peer: bootstrap serves before any connection, a snapshot
// compiled once per version serves evaluations, a delta reports its changed flags, a lost
// connection turns STALE while the last snapshot keeps serving, storage survives a restart.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FluxGateLocalClient, type LocalClientOptions } from "../../../sdk/src/local-client";
import { FileSnapshotStorage } from "../../../sdk/src/node";
import { booleanFlag, deltaOf, documentOf, stringFlag } from "./support/documents";
import { startStreamPeer, waitFor, type StreamPeer } from "./support/stream-peer";

let peer: StreamPeer;
const clients: FluxGateLocalClient[] = [];
beforeEach(async () => {
  peer = await startStreamPeer();
  peer.httpStatus = 202;
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await peer.stop();
});

function localClient(options: Partial<LocalClientOptions> = {}) {
  const client = new FluxGateLocalClient({
    baseUrl: peer.baseUrl, credential: "fg_test", reconnect: { initialMs: 20, maxMs: 40 }, evaluationCounts: false, ...options,
  });
  clients.push(client);
  const log: string[] = [];
  client.events.on("ready", ({ version }) => log.push(`ready ${version}`));
  client.events.on("changed", ({ version, flagsChanged }) => log.push(`changed ${version} ${flagsChanged.join(",")}`));
  client.events.on("stale", ({ version }) => log.push(`stale ${version}`));
  client.events.on("error", (error) => log.push(`error ${error.code}`));
  return { client, log };
}

describe("local client", () => {
  it("serves a bootstrap snapshot before connecting, then follows the stream", async () => {
    const v1 = await documentOf(1, [booleanFlag("a", true)]);
    const v2 = await documentOf(2, [booleanFlag("a", false)]);
    const { client, log } = localClient({ bootstrap: v1 });
    expect(client.evaluate("a")).toMatchObject({ value: true, variant: "on", reason: "STATIC" });
    await client.start();
    expect(client.status).toBe("READY");
    const conn = await peer.nextConnection();
    expect(await waitFor("hello", () => conn.received[0])).toMatchObject({ since: { version: 1 } });
    conn.send({ type: "current", version: 1, contentHash: v1.contentHash });
    conn.send(deltaOf(v1, v2));
    await waitFor("v2", () => client.version === 2);
    expect(client.evaluate("a")).toMatchObject({ value: false, variant: "off" });
    expect(log).toEqual(["ready 1", "changed 2 a"]);
  });

  it("start() waits for the first snapshot; evaluations before it are ERROR results, never exceptions", async () => {
    const v4 = await documentOf(4, [stringFlag("s", "hello")]);
    const { client } = localClient();
    expect(client.evaluate("s")).toMatchObject({ reason: "ERROR", errorCode: "GENERAL", value: undefined });
    const started = client.start();
    const conn = await peer.nextConnection();
    conn.send({ type: "snapshot", document: v4 });
    await started;
    expect(client.evaluate("s", { targetingKey: "u" })).toMatchObject({ value: "hello", reason: "STATIC" });
    expect(client.evaluate("missing")).toMatchObject({ reason: "ERROR", errorCode: "FLAG_NOT_FOUND" });
    expect(client.evaluateAll().map((r) => r.key)).toEqual(["s"]);
  });

  it("turns STALE when the connection drops, keeps serving the last snapshot, and is READY again after the resync", async () => {
    const v1 = await documentOf(1, [booleanFlag("a", true)]);
    const { client, log } = localClient();
    const started = client.start();
    const first = await peer.nextConnection();
    first.send({ type: "snapshot", document: v1 });
    await started;
    first.socket.terminate();
    await waitFor("stale", () => client.status === "STALE");
    expect(client.evaluate("a").value).toBe(true);
    const second = await peer.nextConnection();
    second.send({ type: "current", version: 1, contentHash: v1.contentHash });
    await waitFor("ready again", () => client.status === "READY");
    expect(log).toEqual(["ready 1", "stale 1", "ready 1"]);
  });

  it("rejects start() with INITIAL_LOAD_FAILED when no snapshot arrives in time", async () => {
    const { client } = localClient({ initialLoadTimeoutMs: 100 });
    await expect(client.start()).rejects.toMatchObject({ code: "INITIAL_LOAD_FAILED" });
  });

  it("rejects start() and emits error when the credential is revoked before the first snapshot", async () => {
    const { client, log } = localClient();
    const started = client.start();
    const conn = await peer.nextConnection();
    conn.close(4003, "credential revoked");
    await expect(started).rejects.toMatchObject({ code: "CREDENTIAL_REVOKED" });
    expect(client.status).toBe("ERROR");
    expect(log).toEqual(["error CREDENTIAL_REVOKED"]);
  });

  it("saves every snapshot to file storage, and a restarted client serves it offline at once", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "fluxgate-sdk-"));
    try {
      const storage = new FileSnapshotStorage(path.join(dir, "snapshot.json"));
      const v7 = await documentOf(7, [booleanFlag("a", true), stringFlag("s", "stored")]);
      const { client } = localClient({ storage });
      const started = client.start();
      (await peer.nextConnection()).send({ type: "snapshot", document: v7 });
      await started;
      await client.close();
      expect(await storage.load()).toEqual(v7);

      const offline = new FluxGateLocalClient({
        baseUrl: "http://127.0.0.1:1", credential: "fg_test", storage, evaluationCounts: false, staleAfterMs: 50,
        reconnect: { initialMs: 1_000, maxMs: 1_000 },
      });
      clients.push(offline);
      await offline.start();
      expect(offline.version).toBe(7);
      expect(offline.evaluate("s").value).toBe("stored");
      await waitFor("stale", () => offline.status === "STALE");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("counts local evaluations and uploads them on flush", async () => {
    const v1 = await documentOf(1, [booleanFlag("a", true)]);
    const { client } = localClient({ bootstrap: v1, evaluationCounts: { flushIntervalMs: 60_000 } });
    for (let i = 0; i < 5; i++) client.evaluate("a");
    client.evaluate("nope"); // unknown flags are not counted
    await client.flush();
    const posted = peer.httpRequests.filter((r) => r.url === "/v1/evaluation-counts").map((r) => JSON.parse(r.body).counts);
    expect(posted).toEqual([[{ flag: "a", variant: "on", reason: "STATIC", count: 5 }]]);
  });
});
