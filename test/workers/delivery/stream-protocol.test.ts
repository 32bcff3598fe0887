// The SDK side of the environment object's hub through GET /v1/stream: hello -> snapshot ->
// deltas, resumes, gaps, acks, resync, pings, bad frames and revocation.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_FEATURE_IDS, DEMO_SECRET_HASHES, demoRuleId } from "../../../db/seed/demo-data";
import { DELTA_LOG_LIMIT } from "../../../durable-objects/delta-log";
import { MAX_UNACKED_VERSIONS } from "../../../durable-objects/socket-hub";
import type { FlagSetDocument } from "../../../engine/types";
import { applyDelta, flagSetContentHash } from "../../../protocol/flag-set-delta";
import {
  MAX_SERVER_FRAME_BYTES, PING, PONG,
  type DeltaMessage, type SnapshotMessage, type SnapshotPartMessage,
} from "../../../protocol/stream";
import { freshStart, tokenOf } from "../control/support/actors";
import { resetEnvironmentObjects } from "../support/environment-objects";
import { gql, ok } from "../control/support/graphql";
import { changeDevelopment, deleteEnvironmentRows, DEVELOPMENT, developmentHub, hello, openStream, subscribed } from "./support/stream";

beforeEach(freshStart);

const idOf = (document: FlagSetDocument) => ({ version: document.version, contentHash: document.contentHash });

describe("connecting", () => {
  it("accepts a valid client whose record the object lost (a client-record sync cut short by a restart)", async () => {
    await developmentHub().getSnapshot();
    await runInDurableObject(env.ENVIRONMENTS.getByName(DEVELOPMENT), (_instance, state) => {
      state.storage.sql.exec("DELETE FROM client_records");
    });
    const { document } = await subscribed();
    expect(document.version).toBe((await developmentHub().getSnapshot()).version);
  });

  it("accepts every one of many clients connecting at once to an object that has not built its snapshot yet", async () => {
    await resetEnvironmentObjects(env.ENVIRONMENTS, [DEVELOPMENT]);
    const responses = await Promise.all(Array.from({ length: 30 }, () => openStream().then(() => 101, (error: Error) => error.message)));
    expect(responses).toEqual(Array.from({ length: 30 }, () => 101));
  });
});

describe("hello -> snapshot -> deltas", () => {
  it("sends the current snapshot, then the delta of a kill switch engaged through GraphQL", async () => {
    const { socket, document } = await subscribed();
    expect(document).toEqual(await developmentHub().getSnapshot());
    expect(document.version).toBe(1);

    ok(await gql(`mutation($id: ID!) { emergencyDisableFeature(id: $id) { id } }`, { id: DEMO_FEATURE_IDS.dark_mode }, await tokenOf("teamadmin")));
    const delta = await socket.next<DeltaMessage>();
    const published = await developmentHub().getSnapshot();
    expect(delta).toMatchObject({ type: "delta", fromVersion: 1, version: 2, contentHash: published.contentHash });
    expect(delta.flags.put.map((f) => f.key)).toEqual(["dark_mode"]);
    expect(delta.flags.removed).toEqual([]);
    const applied = applyDelta(document, delta);
    expect(applied).toEqual(published);
    expect(await flagSetContentHash(applied)).toBe(delta.contentHash);
    socket.close();
  });

  it("sends one delta per version, in order, to every subscriber", async () => {
    const first = await subscribed();
    const second = await subscribed();
    for (let i = 0; i < 3; i++) await changeDevelopment();
    for (const { socket, document } of [first, second]) {
      let held = document;
      for (const version of [2, 3, 4]) {
        const delta = await socket.next<DeltaMessage>();
        expect([delta.fromVersion, delta.version]).toEqual([version - 1, version]);
        held = applyDelta(held, delta);
      }
      expect(held).toEqual(await developmentHub().getSnapshot());
      expect(socket.pending()).toBe(0);
      socket.close();
    }
  });

  it("answers ping with pong before and after hello", async () => {
    const socket = await openStream();
    socket.send(PING);
    expect(await socket.nextText()).toBe(PONG);
    hello(socket);
    expect((await socket.next()).type).toBe("snapshot");
    socket.send(PING);
    expect(await socket.nextText()).toBe(PONG);
    socket.close();
  });

  it("sends the snapshot again on resync", async () => {
    const { socket, document } = await subscribed();
    socket.send({ type: "resync" });
    expect(await socket.next()).toEqual({ type: "snapshot", document });
    socket.close();
  });

  it("splits a snapshot larger than MAX_SERVER_FRAME_BYTES into snapshot_part frames the client can join", async () => {
    const values = Array.from({ length: 30_000 }, (_, i) => `user-${i}-é`);
    await env.DB.prepare("UPDATE rules SET match = ? WHERE id = ?").bind(
      JSON.stringify([{ operator: "and", conditions: [{ attribute: "userId", operator: "in", values }] }]),
      demoRuleId("BetaUsers", "development"),
    ).run();
    const document = await developmentHub().getSnapshot();
    expect(JSON.stringify(document).length).toBeGreaterThan(MAX_SERVER_FRAME_BYTES);
    const socket = await openStream();
    hello(socket);
    const first = await socket.next<SnapshotPartMessage>();
    expect(first).toMatchObject({ type: "snapshot_part", version: 1, contentHash: document.contentHash, part: 0 });
    expect(first.parts).toBeGreaterThan(1);
    const parts = [first];
    for (let i = 1; i < first.parts; i++) parts.push(await socket.next<SnapshotPartMessage>());
    expect(parts.map((p) => p.part)).toEqual([...Array(first.parts).keys()]);
    for (const part of parts) expect(new TextEncoder().encode(JSON.stringify(part)).length).toBeLessThanOrEqual(MAX_SERVER_FRAME_BYTES);
    expect(JSON.parse(parts.map((p) => p.data).join(""))).toEqual(document);
    socket.close();
  });
});

describe("resuming with since", () => {
  it("gets exactly the missed deltas while the log holds them", async () => {
    const { socket, document } = await subscribed();
    socket.close();
    for (let i = 0; i < 3; i++) await changeDevelopment();
    const resumed = await openStream();
    hello(resumed, idOf(document));
    let held = document;
    for (const version of [2, 3, 4]) {
      const delta = await resumed.next<DeltaMessage>();
      expect(delta.version).toBe(version);
      held = applyDelta(held, delta);
    }
    expect(held).toEqual(await developmentHub().getSnapshot());
    // Then it is live like any other subscriber.
    await changeDevelopment();
    expect(await resumed.next()).toMatchObject({ type: "delta", fromVersion: 4, version: 5 });
    expect(resumed.pending()).toBe(0);
    resumed.close();
  });

  it("gets current when nothing changed", async () => {
    const { socket, document } = await subscribed();
    socket.close();
    const resumed = await openStream();
    hello(resumed, idOf(document));
    expect(await resumed.next()).toEqual({ type: "current", version: 1, contentHash: document.contentHash });
    await changeDevelopment();
    expect(await resumed.next()).toMatchObject({ type: "delta", fromVersion: 1, version: 2 });
    resumed.close();
  });

  it(`gets a snapshot when the log no longer holds the versions (more than ${DELTA_LOG_LIMIT} behind)`, async () => {
    const { socket, document } = await subscribed();
    socket.close();
    for (let i = 0; i <= DELTA_LOG_LIMIT; i++) await changeDevelopment();
    const logged = await runInDurableObject(env.ENVIRONMENTS.getByName(DEVELOPMENT), (_i, state) =>
      state.storage.sql.exec<{ n: number; low: number; high: number }>("SELECT count(*) AS n, MIN(version) AS low, MAX(version) AS high FROM delta_log").one());
    expect(logged).toEqual({ n: DELTA_LOG_LIMIT, low: 3, high: DELTA_LOG_LIMIT + 2 });
    const resumed = await openStream();
    hello(resumed, idOf(document));
    expect(await resumed.next<SnapshotMessage>()).toEqual({ type: "snapshot", document: await developmentHub().getSnapshot() });
    // One version later the log still covers the client, so it gets deltas again.
    const resumedAtThree = await openStream();
    const three = await runInDurableObject(env.ENVIRONMENTS.getByName(DEVELOPMENT), (_i, state) =>
      state.storage.sql.exec<{ from_hash: string }>("SELECT from_hash FROM delta_log WHERE version = 3").one().from_hash);
    hello(resumedAtThree, { version: 2, contentHash: three });
    expect(await resumedAtThree.next()).toMatchObject({ type: "delta", fromVersion: 2, version: 3 });
    resumed.close();
    resumedAtThree.close();
  }, 60_000);

  it("gets a snapshot, never a gap, for a version newer than the object's or a foreign content hash", async () => {
    const { socket, document } = await subscribed();
    socket.close();
    await changeDevelopment();
    const current = await developmentHub().getSnapshot();
    const claims = [
      { version: 99, contentHash: current.contentHash }, // newer than the object's (its storage was lost)
      { version: 2, contentHash: "0".repeat(64) }, // the current number, other content
      { version: 1, contentHash: "f".repeat(64) }, // a held number, other content
    ];
    for (const since of claims) {
      const resumed = await openStream();
      hello(resumed, since);
      expect(await resumed.next()).toEqual({ type: "snapshot", document: current });
      resumed.close();
    }
    expect(document.version).toBe(1);
  });
});

describe("slow consumers", () => {
  it(`closes a subscriber more than ${MAX_UNACKED_VERSIONS} versions behind its acks with SLOW_CONSUMER (4008); the others keep receiving`, async () => {
    const prompt = await subscribed();
    const slow = await subscribed();
    for (let i = 0; i < MAX_UNACKED_VERSIONS; i++) {
      const version = await changeDevelopment();
      expect(await prompt.socket.next()).toMatchObject({ type: "delta", version });
      prompt.socket.send({ type: "ack", version });
    }
    expect(slow.socket.closedWith).toBeNull();
    const version = await changeDevelopment();
    expect(await prompt.socket.next()).toMatchObject({ type: "delta", version });
    for (let v = 2; v <= MAX_UNACKED_VERSIONS + 1; v++) expect(await slow.socket.next()).toMatchObject({ type: "delta", version: v });
    expect(await slow.socket.next()).toEqual({
      type: "error", code: "SLOW_CONSUMER", message: `more than ${MAX_UNACKED_VERSIONS} versions unacknowledged; reconnect with since`,
    });
    expect(await slow.socket.closeFrame()).toEqual({ code: 4008, reason: "SLOW_CONSUMER" });
    prompt.socket.send({ type: "ack", version });
    expect(await changeDevelopment()).toBe(version + 1);
    expect(await prompt.socket.next()).toMatchObject({ type: "delta", version: version + 1 });
    prompt.socket.close();
  }, 30_000);
});

describe("bad frames", () => {
  const cases: { name: string; frames: (string | ArrayBuffer | object)[]; code: string; close: number; message: string }[] = [
    { name: "non-JSON", frames: ["{nope"], code: "PROTOCOL_ERROR", close: 4000, message: "frame is not JSON" },
    { name: "a JSON array", frames: ["[1]"], code: "PROTOCOL_ERROR", close: 4000, message: "frame is not a JSON object" },
    { name: "an unknown type", frames: [{ type: "subscribe" }], code: "PROTOCOL_ERROR", close: 4000, message: 'unknown message type "subscribe"' },
    { name: "no hello first", frames: [{ type: "ack", version: 1 }], code: "PROTOCOL_ERROR", close: 4000, message: "send hello first" },
    { name: "another protocol number", frames: [{ type: "hello", protocol: 2 }], code: "PROTOCOL_ERROR", close: 4000, message: "unsupported protocol 2; this server speaks 1" },
    { name: "a malformed since", frames: [{ type: "hello", protocol: 1, since: { version: -1, contentHash: "x" } }], code: "PROTOCOL_ERROR", close: 4000, message: "hello.since must be {version: non-negative integer, contentHash: string}" },
    { name: "a second hello", frames: [{ type: "hello", protocol: 1 }, { type: "hello", protocol: 1 }], code: "PROTOCOL_ERROR", close: 4000, message: "hello was already sent" },
    { name: "an ack of a version never sent", frames: [{ type: "hello", protocol: 1 }, { type: "ack", version: 7 }], code: "PROTOCOL_ERROR", close: 4000, message: "ack of version 7, which was never sent (current 1)" },
    { name: "a binary frame", frames: [new Uint8Array([1, 2, 3]).buffer], code: "PROTOCOL_ERROR", close: 4000, message: "binary frames are not supported; send JSON text" },
    { name: "an oversized frame", frames: [JSON.stringify({ type: "hello", protocol: 1, sdk: "x".repeat(5000) })], code: "MESSAGE_TOO_BIG", close: 1009, message: "client frames are limited to 4096 bytes" },
  ];
  for (const { name, frames, code, close, message } of cases) {
    it(`answers ${name} with ${code} and closes with ${close}`, async () => {
      const socket = await openStream();
      for (const frame of frames) socket.ws.send(frame instanceof ArrayBuffer || typeof frame === "string" ? frame : JSON.stringify(frame));
      let error = await socket.next();
      while (error.type === "snapshot") error = await socket.next();
      expect(error).toEqual({ type: "error", code, message });
      expect(await socket.closeFrame()).toEqual({ code: close, reason: code });
    });
  }
});

describe("revocation and deletion", () => {
  it("closes the sockets of a disabled client with CREDENTIAL_REVOKED (4003) and keeps the others", async () => {
    const development = await subscribed();
    const web = await subscribed("fg_local_web_demo_secret");
    await env.DB.prepare("UPDATE clients SET enabled = 0 WHERE secret_hash = ?").bind(DEMO_SECRET_HASHES.development).run();
    await developmentHub().publish();
    expect(await development.socket.next()).toMatchObject({ type: "error", code: "CREDENTIAL_REVOKED" });
    expect(await development.socket.closeFrame()).toEqual({ code: 4003, reason: "CREDENTIAL_REVOKED" });
    await changeDevelopment();
    expect(await web.socket.next()).toMatchObject({ type: "delta", version: 2 });
    web.socket.close();
  });

  it("closes every socket with ENVIRONMENT_DELETED (4004) when the environment is retired", async () => {
    const { socket } = await subscribed();
    await deleteEnvironmentRows(DEVELOPMENT);
    await developmentHub().retire();
    expect(await socket.next()).toEqual({ type: "error", code: "ENVIRONMENT_DELETED", message: "the environment was deleted" });
    expect(await socket.closeFrame()).toEqual({ code: 4004, reason: "ENVIRONMENT_DELETED" });
  });
});
