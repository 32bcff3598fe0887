// Fan-out at scale, bounded: 1,000 subscribers on one environment all receive one change (through
// five relay shards of 200 sockets in the test Worker).
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS } from "../../../db/seed/demo-data";
import type { DeltaMessage } from "../../../protocol/stream";
import { resetEnvironmentObjects } from "../support/environment-objects";
import { reseedDemo } from "../support/seed-demo";
import type { SocketClient } from "./support/socket-client";
import { changeDevelopment, hello, openStream } from "./support/stream";

const SUBSCRIBERS = 1_000;

beforeEach(async () => {
  await reseedDemo(env);
  await resetEnvironmentObjects(env.ENVIRONMENTS, Object.values(DEMO_ENVIRONMENT_IDS));
});

describe("fan-out", () => {
  it(`delivers one change to all ${SUBSCRIBERS} subscribers of an environment within 10 s`, async () => {
    const sockets: SocketClient[] = [];
    for (let i = 0; i < SUBSCRIBERS; i += 50) {
      sockets.push(...await Promise.all(Array.from({ length: 50 }, () => openStream())));
    }
    for (const socket of sockets) hello(socket);
    const snapshots = await Promise.all(sockets.map((socket) => socket.next(20_000)));
    expect(snapshots.every((s) => s.type === "snapshot" && s.document.version === 1)).toBe(true);

    const started = Date.now();
    const version = await changeDevelopment();
    const deltas = await Promise.all(sockets.map((socket) => socket.next<DeltaMessage>(10_000)));
    const elapsed = Date.now() - started;
    expect(deltas.filter((d) => d.type === "delta" && d.fromVersion === 1 && d.version === version)).toHaveLength(SUBSCRIBERS);
    expect(new Set(deltas.map((d) => JSON.stringify(d))).size).toBe(1);
    expect(elapsed).toBeLessThan(10_000);
    for (const socket of sockets) socket.close();
    await Promise.all(sockets.map((socket) => socket.closeFrame(10_000)));
  }, 90_000);
});
