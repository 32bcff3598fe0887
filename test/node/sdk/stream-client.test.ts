// The SDK's stream client against a real in-process WebSocket peer (Node 22's global WebSocket as
// the client, as in browsers and Workers; the `ws` package where a header-capable one is injected).
import WebSocket from "ws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLOSE_CODES, type HelloMessage } from "../../../protocol/stream";
import { StreamClient, type StreamUpdate } from "../../../sdk/src/stream-client";
import type { FluxGateError } from "../../../sdk/src/errors";
import type { WebSocketConstructor } from "../../../sdk/src/websocket";
import { booleanFlag, deltaOf, documentOf, stringFlag } from "./support/documents";
import { startStreamPeer, waitFor, type StreamPeer } from "./support/stream-peer";

const SECRET = "fg_test_secret";
let peer: StreamPeer;
let client: StreamClient | undefined;
const fastReconnect = { initialMs: 20, maxMs: 40 };

beforeEach(async () => {
  peer = await startStreamPeer();
});
afterEach(async () => {
  client?.stop();
  client = undefined;
  await peer.stop();
});

function connect(options: Partial<ConstructorParameters<typeof StreamClient>[0]> = {}, initial?: Awaited<ReturnType<typeof documentOf>>) {
  const c = new StreamClient({ baseUrl: peer.baseUrl, credential: SECRET, reconnect: fastReconnect, ...options }, initial);
  const updates: StreamUpdate[] = [];
  const confirmed: { version: number }[] = [];
  const terminal: FluxGateError[] = [];
  c.events.on("update", (u) => updates.push(u));
  c.events.on("confirmed", (id) => confirmed.push(id));
  c.events.on("terminal", (e) => terminal.push(e));
  client = c;
  c.start();
  return { client: c, updates, confirmed, terminal };
}

describe("stream client: handshake", () => {
  it("authenticates with the subprotocol list on the global WebSocket and says hello with protocol 1", async () => {
    connect();
    const conn = await peer.nextConnection();
    expect(conn.protocols).toEqual(["fluxgate.v1", `fluxgate.credential.${SECRET}`]);
    expect(conn.authorization).toBeUndefined();
    const hello = await waitFor("hello", () => conn.received[0]);
    expect(hello).toEqual({ type: "hello", protocol: 1, sdk: "fluxgate-sdk/0.1.0" });
  });

  it("sends Authorization: Bearer and no subprotocol with an injected header-capable WebSocket (ws)", async () => {
    connect({ webSocket: WebSocket as unknown as WebSocketConstructor });
    const conn = await peer.nextConnection();
    expect(conn.authorization).toBe(`Bearer ${SECRET}`);
    expect(conn.protocols).toEqual([]);
    expect(await waitFor("hello", () => conn.received[0])).toMatchObject({ type: "hello", protocol: 1 });
  });

  it("resumes from the held snapshot: hello carries since, and `current` confirms without an update", async () => {
    const v3 = await documentOf(3, [booleanFlag("a", true)]);
    const { updates, confirmed } = connect({}, v3);
    const conn = await peer.nextConnection();
    expect(await waitFor("hello", () => conn.received[0])).toEqual({
      type: "hello", protocol: 1, sdk: "fluxgate-sdk/0.1.0", since: { version: 3, contentHash: v3.contentHash },
    });
    conn.send({ type: "current", version: 3, contentHash: v3.contentHash });
    await waitFor("confirmation", () => confirmed.length === 1);
    expect(updates).toEqual([]);
  });

  it("answers a `current` that names another snapshot with resync", async () => {
    const v3 = await documentOf(3, [booleanFlag("a", true)]);
    connect({}, v3);
    const conn = await peer.nextConnection();
    conn.send({ type: "current", version: 3, contentHash: "0".repeat(64) });
    expect(await waitFor("resync", () => conn.received[1])).toEqual({ type: "resync" });
  });
});

describe("stream client: snapshots and deltas", () => {
  it("takes a snapshot, acks its version and reports every flag as changed", async () => {
    const v1 = await documentOf(1, [booleanFlag("a", true), stringFlag("b", "x")]);
    const { updates } = connect();
    const conn = await peer.nextConnection();
    conn.send({ type: "snapshot", document: v1 });
    await waitFor("update", () => updates.length === 1);
    expect(updates[0]).toEqual({ document: v1, flagsChanged: ["a", "b"], via: "snapshot" });
    expect(await waitFor("ack", () => conn.received[1])).toEqual({ type: "ack", version: 1 });
  });

  it("joins snapshot_part frames in order of part number", async () => {
    const v5 = await documentOf(5, [booleanFlag("a", true), stringFlag("b", "long".repeat(50))]);
    const text = JSON.stringify(v5);
    const cut = [text.slice(0, 100), text.slice(100, 200), text.slice(200)];
    const { updates, client: c } = connect();
    const conn = await peer.nextConnection();
    for (const part of [2, 0, 1]) {
      conn.send({ type: "snapshot_part", version: 5, contentHash: v5.contentHash, part, parts: 3, data: cut[part]! });
    }
    await waitFor("update", () => updates.length === 1);
    expect(c.current).toEqual(v5);
    expect(await waitFor("ack", () => conn.received[1])).toEqual({ type: "ack", version: 5 });
  });

  it("applies a verified delta, acks it, and names only the changed flags", async () => {
    const v1 = await documentOf(1, [booleanFlag("a", true), stringFlag("b", "x")]);
    const v2 = await documentOf(2, [booleanFlag("a", false), stringFlag("b", "x"), booleanFlag("c", true)]);
    const { updates, client: c } = connect();
    const conn = await peer.nextConnection();
    conn.send({ type: "snapshot", document: v1 });
    conn.send(deltaOf(v1, v2));
    await waitFor("two updates", () => updates.length === 2);
    expect(updates[1]).toMatchObject({ flagsChanged: ["a", "c"], via: "delta" });
    expect(c.current).toEqual(v2);
    expect(await waitFor("acks", () => conn.received.length >= 3 && conn.received.slice(1))).toEqual([
      { type: "ack", version: 1 }, { type: "ack", version: 2 },
    ]);
  });

  it("asks for a snapshot on a gap (a delta that does not start at the held version) and keeps serving the held one", async () => {
    const v1 = await documentOf(1, [booleanFlag("a", true)]);
    const v2 = await documentOf(2, [booleanFlag("a", false)]);
    const v3 = await documentOf(3, [booleanFlag("a", true), booleanFlag("z", true)]);
    const { updates, client: c } = connect();
    const conn = await peer.nextConnection();
    conn.send({ type: "snapshot", document: v1 });
    conn.send(deltaOf(v2, v3));
    expect(await waitFor("resync", () => conn.received[2])).toEqual({ type: "resync" });
    expect(c.current).toEqual(v1);
    expect(updates).toHaveLength(1);
    conn.send({ type: "snapshot", document: v3 });
    await waitFor("snapshot after resync", () => updates.length === 2);
    expect(updates[1]!.flagsChanged).toEqual(["z"]);
  });

  it("refuses a delta whose result does not match its content hash and asks for a snapshot", async () => {
    const v1 = await documentOf(1, [booleanFlag("a", true)]);
    const v2 = await documentOf(2, [booleanFlag("a", false)]);
    const { updates, client: c } = connect();
    const conn = await peer.nextConnection();
    conn.send({ type: "snapshot", document: v1 });
    conn.send({ ...deltaOf(v1, v2), contentHash: "f".repeat(64) });
    expect(await waitFor("resync", () => conn.received[2])).toEqual({ type: "resync" });
    expect(c.current).toEqual(v1);
    expect(updates).toHaveLength(1);
  });

  it("ignores a replayed delta for a version it already holds", async () => {
    const v1 = await documentOf(1, [booleanFlag("a", true)]);
    const v2 = await documentOf(2, [booleanFlag("a", false)]);
    const { updates } = connect();
    const conn = await peer.nextConnection();
    conn.send({ type: "snapshot", document: v1 });
    conn.send(deltaOf(v1, v2));
    conn.send(deltaOf(v1, v2));
    await waitFor("update", () => updates.length === 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(updates).toHaveLength(2);
    expect(conn.received.filter((m) => typeof m === "object" && m.type === "resync")).toEqual([]);
  });
});

describe("stream client: connection lifecycle", () => {
  it("reconnects after the peer drops the connection and resumes from the version it holds", async () => {
    const v1 = await documentOf(1, [booleanFlag("a", true)]);
    const disconnects: number[] = [];
    const { client: c } = connect();
    c.events.on("disconnected", ({ code }) => disconnects.push(code));
    const first = await peer.nextConnection();
    first.send({ type: "snapshot", document: v1 });
    await waitFor("ack", () => first.received[1]);
    first.socket.terminate();
    const second = await peer.nextConnection();
    expect(await waitFor("hello", () => second.received[0])).toMatchObject({
      type: "hello", since: { version: 1, contentHash: v1.contentHash },
    } satisfies Partial<HelloMessage>);
    expect(disconnects).toHaveLength(1);
  });

  it("reconnects after SLOW_CONSUMER (4008), a non-terminal close", async () => {
    connect();
    const first = await peer.nextConnection();
    first.send({ type: "error", code: "SLOW_CONSUMER", message: "too far behind" });
    first.close(CLOSE_CODES.SLOW_CONSUMER, "slow consumer");
    const second = await peer.nextConnection();
    expect(await waitFor("hello", () => second.received[0])).toMatchObject({ type: "hello" });
  });

  it("stops for good after CREDENTIAL_REVOKED (4003): terminal error, no reconnect", async () => {
    const { terminal } = connect();
    const conn = await peer.nextConnection();
    conn.send({ type: "error", code: "CREDENTIAL_REVOKED", message: "client disabled" });
    conn.close(CLOSE_CODES.CREDENTIAL_REVOKED, "credential revoked");
    await waitFor("terminal", () => terminal.length === 1);
    expect(terminal[0]!.code).toBe("CREDENTIAL_REVOKED");
    await new Promise((r) => setTimeout(r, 150));
    expect(peer.connections).toHaveLength(1);
  });

  it("stops for good after ENVIRONMENT_DELETED (4004)", async () => {
    const { terminal } = connect();
    const conn = await peer.nextConnection();
    conn.close(CLOSE_CODES.ENVIRONMENT_DELETED, "environment deleted");
    await waitFor("terminal", () => terminal.length === 1);
    expect(terminal[0]!.code).toBe("ENVIRONMENT_DELETED");
  });

  it("a refused upgrade plus an OFREP 401 for the same credential is terminal (CREDENTIAL_REJECTED)", async () => {
    peer.refuseUpgradeWith = 401;
    peer.httpStatus = 401;
    const { terminal } = connect();
    await waitFor("terminal", () => terminal.length === 1);
    expect(terminal[0]).toMatchObject({ code: "CREDENTIAL_REJECTED", status: 401 });
    expect(peer.httpRequests[0]).toMatchObject({ method: "POST", url: "/ofrep/v1/evaluate/flags", authorization: `Bearer ${SECRET}` });
  });

  it("a refused upgrade while OFREP accepts the credential (a network or routing problem) keeps retrying", async () => {
    peer.refuseUpgradeWith = 503;
    const { terminal } = connect();
    await waitFor("three probes", () => peer.httpRequests.length >= 3);
    expect(terminal).toEqual([]);
    peer.refuseUpgradeWith = undefined;
    const conn = await peer.nextConnection(5_000);
    expect(await waitFor("hello", () => conn.received[0])).toMatchObject({ type: "hello" });
  });

  it("sends PING text frames at the configured interval", async () => {
    connect({ pingIntervalMs: 30 });
    const conn = await peer.nextConnection();
    await waitFor("two pings", () => conn.received.filter((m) => m === "ping").length >= 2);
  });

  it("drops and reopens a connection that stays silent beyond the liveness timeout", async () => {
    // The `ws` peer does not answer "ping" text frames (the Durable Object's auto-response does).
    connect({ pingIntervalMs: 20, livenessTimeoutMs: 60 });
    await peer.nextConnection();
    const second = await peer.nextConnection(2_000);
    expect(await waitFor("hello", () => second.received[0])).toMatchObject({ type: "hello" });
  });

  it("stop() closes the socket and never reconnects", async () => {
    const { client: c } = connect();
    const conn = await peer.nextConnection();
    c.stop();
    await waitFor("closed at the peer", () => conn.closed);
    await new Promise((r) => setTimeout(r, 100));
    expect(peer.connections).toHaveLength(1);
  });

  it("stop() while an injected ws socket is still connecting raises nothing afterwards (ws emits error on that close)", async () => {
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", record);
    try {
      connect({ webSocket: WebSocket as unknown as WebSocketConstructor }).client.stop();
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      process.off("uncaughtException", record);
    }
    expect(uncaught).toEqual([]);
  });
});
