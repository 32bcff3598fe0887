// The hub survives its object being evicted (hibernation: the sockets stay open, their state is in
// attachments and the delta log in storage), and clients resync after a deploy-like disconnect.
// Subscribers' sockets live on a relay (durable-objects/subscriber-relay/): it is the relay that is
// evicted here, and the environment object's next push wakes it.
import { abortAllDurableObjects, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_CLIENT_IDS, DEMO_SECRET_HASHES } from "../../../db/seed/demo-data";
import { eventsSocketRequest } from "../../../durable-objects/subscriber";
import { applyDelta } from "../../../protocol/flag-set-delta";
import { PING, PONG, type DeltaMessage } from "../../../protocol/stream";
import { freshStart, tokenOf } from "../control/support/actors";
import { SocketClient } from "./support/socket-client";
import { changeDevelopment, DEVELOPMENT, developmentHub, developmentRelay, hello, openStream, subscribed, upgrade } from "./support/stream";

beforeEach(freshStart);

const stub = () => developmentRelay();
const attachments = () => runInDurableObject(stub(), (_instance, state) =>
  state.getWebSockets("sdk").map((ws) => ({ tags: state.getTags(ws), attachment: ws.deserializeAttachment() as unknown })));

describe("after the object is evicted (hibernation)", () => {
  it("keeps the sockets open, their attachments intact, and the next publish still reaches them", async () => {
    const client = await subscribed();
    const user = await SocketClient.from(await upgrade({ Authorization: `Bearer ${await tokenOf("viewer")}` }, `?environment=${DEVELOPMENT}`));
    hello(user);
    await user.next();
    const events = await SocketClient.from(await stub().fetch(eventsSocketRequest()));
    await events.next();
    client.socket.send({ type: "ack", version: 1 });
    client.socket.send(PING);
    expect(await client.socket.nextText()).toBe(PONG);
    const before = await attachments();
    await runInDurableObject(stub(), (instance) => void Object.assign(instance, { marker: "in memory" }));

    await evictDurableObject(stub());
    // A new instance (the constructor ran again), yet the sockets and their state are there.
    expect(await runInDurableObject(stub(), (instance) => (instance as unknown as { marker?: string }).marker)).toBeUndefined();

    expect(await attachments()).toEqual(before);
    expect(before).toContainEqual({
      tags: ["sdk", `credential:${DEMO_SECRET_HASHES.development}`],
      attachment: {
        kind: "sdk", ready: true, acked: 1,
        principal: { type: "client", clientId: DEMO_CLIENT_IDS.development, secretHash: DEMO_SECRET_HASHES.development },
      },
    });
    expect(before.map((b) => b.tags[1])).toContainEqual(expect.stringMatching(/^user:/));
    client.socket.send(PING);
    expect(await client.socket.nextText()).toBe(PONG);

    await changeDevelopment();
    const delta = await client.socket.next<DeltaMessage>();
    expect(applyDelta(client.document, delta)).toEqual(await developmentHub().getSnapshot());
    expect(await user.next()).toEqual(delta);
    expect(await events.next()).toMatchObject({ type: "event", event: { type: "flags_changed", version: 2, flags: ["BetaUsers"] } });

    // Acks keep counting after the eviction: the attachment was rewritten by a new instance.
    await evictDurableObject(stub());
    client.socket.send({ type: "ack", version: 2 });
    client.socket.send(PING);
    expect(await client.socket.nextText()).toBe(PONG);
    expect((await attachments()).find((a) => a.tags[1]?.startsWith("credential:"))?.attachment).toMatchObject({ acked: 2 });
    for (const socket of [client.socket, user, events]) socket.close();
  });

  it("serves a resume from the delta log kept in storage", async () => {
    const { socket, document } = await subscribed();
    socket.close();
    await changeDevelopment();
    await changeDevelopment();
    await evictDurableObject(stub());
    const resumed = await openStream();
    hello(resumed, { version: document.version, contentHash: document.contentHash });
    expect(await resumed.next()).toMatchObject({ type: "delta", fromVersion: 1, version: 2 });
    expect(await resumed.next()).toMatchObject({ type: "delta", fromVersion: 2, version: 3 });
    resumed.close();
  });
});

describe("a deploy-like disconnect of everyone (abortAllDurableObjects)", () => {
  it("closes every socket; reconnecting clients resync with since and miss nothing", async () => {
    const clients = await Promise.all([subscribed(), subscribed(), subscribed()]);
    await abortAllDurableObjects();
    for (const { socket } of clients) {
      const closed = await socket.closeFrame();
      expect(closed.code).not.toBe(1000);
    }
    await changeDevelopment(); // while everyone is away
    const current = await developmentHub().getSnapshot();
    for (const { document } of clients) {
      const again = await openStream();
      hello(again, { version: document.version, contentHash: document.contentHash });
      const delta = await again.next<DeltaMessage>();
      expect(applyDelta(document, delta)).toEqual(current);
      again.close();
    }
  });
});
