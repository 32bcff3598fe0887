// The relay tier (durable-objects/subscriber-relay/): the environment object sends each change once
// per relay, relays fan out to their sockets, catch up by version on a gap, and the Worker fills
// shards up to RELAY_SHARD_CAPACITY (200 in the test Worker) before it uses the next one.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_CLIENT_IDS, DEMO_SECRET_HASHES } from "../../../db/seed/demo-data";
import type { EnvironmentObject } from "../../../durable-objects/environment-do";
import { eventsSocketRequest, sdkSocketRequest } from "../../../durable-objects/subscriber";
import { regionOf, relayName, shardCapacity, type RelayRegion } from "../../../durable-objects/subscriber-relay/naming";
import { applyDelta } from "../../../protocol/flag-set-delta";
import { STREAM_PROTOCOL_VERSION, type DeltaMessage, type SnapshotMessage } from "../../../protocol/stream";
import { freshStart } from "../control/support/actors";
import { registeredRelays } from "../support/environment-objects";
import { SocketClient } from "./support/socket-client";
import { changeDevelopment, deleteEnvironmentRows, DEVELOPMENT, developmentHub, hello, openStream, subscribed } from "./support/stream";

beforeEach(freshStart);

const environmentObject = () => env.ENVIRONMENTS.getByName(DEVELOPMENT);
const stats = () => runInDurableObject(environmentObject(), (instance: EnvironmentObject) => instance.deliveryStats());
const client = { type: "client" as const, clientId: DEMO_CLIENT_IDS.development, secretHash: DEMO_SECRET_HASHES.development };

/** An SDK socket opened straight on the relay of `region` (as the Worker does for a caller there), after its snapshot. */
async function onRelay(region: RelayRegion) {
  const upgrade = sdkSocketRequest(new Request("http://fluxgate.test/v1/stream", { headers: { Upgrade: "websocket" } }), client);
  const socket = await SocketClient.from(await env.RELAYS.getByName(relayName(DEVELOPMENT, region, 0)).fetch(upgrade));
  socket.send({ type: "hello", protocol: STREAM_PROTOCOL_VERSION });
  const snapshot = await socket.next<SnapshotMessage>();
  return { socket, document: snapshot.document };
}

describe("regions", () => {
  it("derive a relay's location hint from request.cf", () => {
    expect([
      { continent: "NA", longitude: "-122.4" }, { continent: "NA", longitude: "-73.9" }, { continent: "SA" },
      { continent: "EU", longitude: "2.35" }, { continent: "EU", longitude: "37.6" }, { continent: "AS", country: "JP" },
      { continent: "AS", country: "AE" }, { continent: "OC" }, { continent: "AF" }, { continent: "AN" }, {},
    ].map(regionOf)).toEqual(["wnam", "enam", "sam", "weur", "eeur", "apac", "me", "oc", "afr", "any", "any"]);
    expect(regionOf(null)).toBe("any");
    expect(relayName(DEVELOPMENT, "weur", 3)).toBe(`${DEVELOPMENT}#weur:3`);
    expect([shardCapacity(undefined), shardCapacity("250"), shardCapacity("0"), shardCapacity("x")]).toEqual([5000, 250, 5000, 5000]);
  });
});

describe("the environment object", () => {
  it("sends each change once per relay, whatever the number of sockets behind it, and nothing to the sockets itself", async () => {
    const nearby = await Promise.all([onRelay("weur"), onRelay("weur"), onRelay("weur")]);
    const far = await Promise.all([onRelay("apac"), onRelay("apac")]);
    expect(await registeredRelays(env.ENVIRONMENTS, DEVELOPMENT)).toEqual([`${DEVELOPMENT}#apac:0`, `${DEVELOPMENT}#weur:0`]);
    const before = await stats();
    const version = await changeDevelopment();
    const current = await developmentHub().getSnapshot();
    for (const { socket, document } of [...nearby, ...far]) {
      const delta = await socket.next<DeltaMessage>();
      expect(delta).toMatchObject({ type: "delta", fromVersion: version - 1, version });
      expect(applyDelta(document, delta)).toEqual(current);
    }
    const after = await stats();
    expect(after.relayPushes - before.relayPushes).toBe(2);
    expect(after.framesSent - before.framesSent).toBe(0);
    for (const { socket } of [...nearby, ...far]) socket.close();
  });

  it("forgets a relay whose subscribers all left (it answers the next push with no subscribers)", async () => {
    const { socket } = await onRelay("oc");
    expect(await registeredRelays(env.ENVIRONMENTS, DEVELOPMENT)).toEqual([`${DEVELOPMENT}#oc:0`]);
    socket.close();
    await socket.closeFrame();
    await changeDevelopment();
    await expect.poll(() => registeredRelays(env.ENVIRONMENTS, DEVELOPMENT)).toEqual([]);
    // Its next subscriber registers it again and gets the current version.
    const again = await onRelay("oc");
    expect(again.document).toEqual(await developmentHub().getSnapshot());
    expect(await registeredRelays(env.ENVIRONMENTS, DEVELOPMENT)).toEqual([`${DEVELOPMENT}#oc:0`]);
    again.socket.close();
  });
});

describe("a relay", () => {
  it("that missed versions fetches them from the environment object by version and delivers each in order", async () => {
    const { socket, document } = await subscribed();
    // The object loses track of the relay (as if its pushes failed) while two versions are published.
    await runInDurableObject(environmentObject(), (_i, state) => void state.storage.sql.exec("DELETE FROM relays"));
    await changeDevelopment();
    await changeDevelopment();
    await expect(socket.next(300)).rejects.toThrow(/no frame/);
    await runInDurableObject(environmentObject(), (_i, state) =>
      void state.storage.sql.exec("INSERT INTO relays (name, registered_at) VALUES (?, 0)", relayName(DEVELOPMENT, "any", 0)));
    const version = await changeDevelopment();
    let held = document;
    for (const expected of [version - 2, version - 1, version]) {
      const delta = await socket.next<DeltaMessage>();
      expect([delta.fromVersion, delta.version]).toEqual([expected - 1, expected]);
      held = applyDelta(held, delta);
    }
    expect(held).toEqual(await developmentHub().getSnapshot());
    socket.close();
  });

  it("closes its events sockets with ENVIRONMENT_DELETED (4004) when the environment is retired, and keeps nothing", async () => {
    const relay = env.RELAYS.getByName(relayName(DEVELOPMENT, "any", 0));
    const events = await SocketClient.from(await relay.fetch(eventsSocketRequest()));
    expect((await events.next()).type).toBe("current");
    await deleteEnvironmentRows(DEVELOPMENT);
    await developmentHub().retire();
    expect(await events.next()).toEqual({ type: "error", code: "ENVIRONMENT_DELETED", message: "the environment was deleted" });
    expect(await events.closeFrame()).toEqual({ code: 4004, reason: "ENVIRONMENT_DELETED" });
    expect(await runInDurableObject(relay, (_i, state) => state.storage.sql.exec("SELECT COUNT(*) AS n FROM snapshot_chunks").one().n)).toBe(0);
  });
});

describe("shard assignment through /v1/stream", () => {
  it("fills shard 0 up to RELAY_SHARD_CAPACITY, then uses shard 1; both deliver every change", async () => {
    const capacity = shardCapacity(env.RELAY_SHARD_CAPACITY);
    expect(capacity).toBe(200);
    const sockets: SocketClient[] = [];
    for (let i = 0; i < capacity + 10; i += 30) {
      sockets.push(...await Promise.all(Array.from({ length: Math.min(30, capacity + 10 - i) }, () => openStream())));
    }
    for (const socket of sockets) hello(socket);
    await Promise.all(sockets.map((socket) => socket.next(20_000)));
    const held = (shard: number) => runInDurableObject(env.RELAYS.getByName(relayName(DEVELOPMENT, "any", shard)), (_i, state) => state.getWebSockets("sdk").length);
    expect([await held(0), await held(1)]).toEqual([capacity, 10]);
    expect(await registeredRelays(env.ENVIRONMENTS, DEVELOPMENT)).toEqual([relayName(DEVELOPMENT, "any", 0), relayName(DEVELOPMENT, "any", 1)]);
    const before = await stats();
    const version = await changeDevelopment();
    const deltas = await Promise.all(sockets.map((socket) => socket.next<DeltaMessage>(10_000)));
    expect(deltas.filter((d) => d.type === "delta" && d.version === version)).toHaveLength(capacity + 10);
    expect((await stats()).relayPushes - before.relayPushes).toBe(2);
    for (const socket of sockets) socket.close();
    await Promise.all(sockets.map((socket) => socket.closeFrame(10_000)));
  }, 90_000);
});
