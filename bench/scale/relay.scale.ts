// Part 2 of `npm run bench:scale`: the relay tier. R relays x 250 subscribers (RELAY_SHARD_CAPACITY
// is 250 in this config, so the Worker fills four shards of one region), 20 changes published
// through the environment object: change-to-delivery time per socket at p50/p99, from the moment
// the environment object created the version (the delta's generatedAt, its clock) to the delta's
// arrival at the subscriber (this isolate's clock: the tests, the Worker and the objects share one
// isolate here), so the D1 rebuild before it is not counted (endToEndP99Ms adds it: from just
// before the D1 write). Also the messages the environment object itself sent per change (RPC
// pushes to relays plus frames to sockets of its own). Subscribers ack every 5 versions (the
// slow-consumer bound is 10), after the round's deliveries, and the next change waits until the
// relays recorded them (acksSettled); one warm-up change is not measured. Prints one BENCH_SCALE_PART line.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import type { EnvironmentObject } from "../../durable-objects/environment-do";
import type { DeltaMessage } from "../../protocol/stream";
import { freshStart } from "../../test/workers/control/support/actors";
import type { SocketClient } from "../../test/workers/delivery/support/socket-client";
import { changeDevelopment, DEVELOPMENT, hello, openStream } from "../../test/workers/delivery/support/stream";
import { registeredRelays } from "../../test/workers/support/environment-objects";

const RELAYS = 4;
const PER_RELAY = 250;
const CHANGES = 20;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const stats = () => runInDurableObject(env.ENVIRONMENTS.getByName(DEVELOPMENT), (instance: EnvironmentObject) => instance.deliveryStats());

/**
 * Waits (bounded) until every relay recorded the acks of `version`: a burst of 1,000 acks makes the
 * relays' next events queue behind 250 ack messages each (+300-800 ms here), which is ack-burst
 * processing, not the delivery of a change; real clients' acks trickle in.
 */
async function acksSettled(version: number): Promise<void> {
  const relays = await registeredRelays(env.ENVIRONMENTS, DEVELOPMENT);
  for (let attempt = 0; attempt < 100; attempt++) {
    const behind = await Promise.all(relays.map((name) => runInDurableObject(env.RELAYS.getByName(name), (_i, state) =>
      state.getWebSockets("sdk").filter((ws) => (ws.deserializeAttachment() as { acked: number }).acked < version).length)));
    if (behind.every((n) => n === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`acks of version ${version} not settled within 10 s`);
}

it(`relay tier: ${RELAYS} relays x ${PER_RELAY} subscribers, ${CHANGES} changes`, async () => {
  await freshStart();
  const sockets: SocketClient[] = [];
  for (let i = 0; i < RELAYS * PER_RELAY; i += 50) sockets.push(...await Promise.all(Array.from({ length: 50 }, () => openStream())));
  for (const socket of sockets) hello(socket);
  await Promise.all(sockets.map((socket) => socket.next(30_000)));
  expect(await registeredRelays(env.ENVIRONMENTS, DEVELOPMENT)).toHaveLength(RELAYS);

  // One unmeasured change first: the relays' first push, JIT warm-up.
  const warmUp = sockets.map((socket) => socket.next<DeltaMessage>(10_000));
  const warmVersion = await changeDevelopment();
  for (const delta of await Promise.all(warmUp)) expect(delta).toMatchObject({ type: "delta", version: warmVersion });
  for (const socket of sockets) socket.send({ type: "ack", version: warmVersion });
  await acksSettled(warmVersion);

  const before = await stats();
  const delays: number[] = [];
  const endToEnd: number[] = [];
  for (let change = 0; change < CHANGES; change++) {
    const arrivals = sockets.map((socket) => socket.next<DeltaMessage>(10_000).then((delta) => ({ delta, at: Date.now() })));
    const started = Date.now();
    const version = await changeDevelopment();
    for (const { delta, at } of await Promise.all(arrivals)) {
      expect(delta).toMatchObject({ type: "delta", version });
      delays.push(at - Date.parse(delta.generatedAt));
      endToEnd.push(at - started);
    }
    if (change % 5 === 4) {
      for (const socket of sockets) socket.send({ type: "ack", version });
      await acksSettled(version);
    }
  }
  const after = await stats();
  delays.sort((a, b) => a - b);
  endToEnd.sort((a, b) => a - b);
  const figures = {
    part: "relay", relays: RELAYS, subscribers: sockets.length,
    deliveryP50Ms: Math.round(percentile(delays, 50)), deliveryP99Ms: Math.round(percentile(delays, 99)),
    objectSendsPerChange: (after.relayPushes - before.relayPushes + after.framesSent - before.framesSent) / CHANGES,
    endToEndP99Ms: Math.round(percentile(endToEnd, 99)),
  };
  console.log(`BENCH_SCALE_PART ${JSON.stringify(figures)}`);
  for (const socket of sockets) socket.close();
  await Promise.all(sockets.map((socket) => socket.closeFrame(10_000).catch(() => null)));
}, 300_000);
