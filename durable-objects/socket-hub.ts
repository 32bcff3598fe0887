// The environment object's WebSockets, on the hibernation API: the object may be evicted while
// sockets stay open, so nothing here lives in memory. Each socket's state is its attachment
// (< 2 KB) and its tags; the delta log is in SQLite. A woken object finds everything again.
//   "sdk" sockets: hello -> snapshot | current | missed deltas, then one delta per version; acks
//     feed the slow-consumer policy.
//   "events" sockets: `current` on connect, then one `event` per DeliveryEvent; they send nothing.
import type { FlagSetDocument } from "../engine/types";
import { changedFlagKeys, compareKeys, diffFlagSets } from "../protocol/flag-set-delta";
import {
  CLOSE_CODES, MAX_SERVER_FRAME_BYTES, PING, PONG, STREAM_SUBPROTOCOL,
  type DeliveryEvent, type DeltaMessage, type EventMessage, type FlagsChangedEvent, type StreamErrorCode,
} from "../protocol/stream";
import { asDeliveryError } from "./delivery-error";
import type { DeltaLog } from "./delta-log";
import { currentFrame, fitsInBytes, isFrameError, parseClientFrame, snapshotFrames } from "./stream-frames";
import {
  EVENTS_SOCKET_PATH, offeredSubprotocols, readSubscriber, SDK_SOCKET_PATH, type SubscriberPrincipal,
} from "./subscriber";

/**
 * Slow-consumer policy: a socket more than this many versions behind its last ack is sent
 * SLOW_CONSUMER and closed (4008); the client reconnects and resumes or takes a snapshot.
 */
export const MAX_UNACKED_VERSIONS = 10;


type Attachment =
  | { kind: "sdk"; principal: SubscriberPrincipal; ready: boolean; acked: number }
  | { kind: "events" };

/** What the hub needs from its environment object. */
export interface HubHost {
  /** The current document, built from D1 on first use. */
  snapshot(): Promise<FlagSetDocument>;
  /** The current document as of now (after snapshot() has run once). */
  current(): FlagSetDocument | null;
  /** Whether this environment's latest client records hold the secret hash, enabled. */
  credentialEnabled(secretHash: string): Promise<boolean>;
}

export function enableAutoPong(ctx: DurableObjectState): void {
  ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
}

/** webSocketClose: completes the closing handshake where the runtime does not do it by itself. */
export function completeClose(ws: WebSocket, code: number): void {
  try {
    ws.close(code === 1005 || code === 1006 ? 1000 : code, "closed");
  } catch {
    // already closed
  }
}

/**
 * One new version as the sockets receive it: the delta from the snapshot `fromHash` names (null
 * when the version does not follow its predecessor: subscribers then get the snapshot), and the
 * flags_changed event for events sockets. The environment object hands this to its relays as is.
 */
export interface VersionDelivery {
  delta: DeltaMessage | null;
  deltaText: string | null;
  fromHash: string | null;
  event: FlagsChangedEvent;
}

export class SocketHub {
  /** Frames this hub sent to its sockets since the object started (the load figures count them). */
  framesSent = 0;
  /** The frame in progress per socket (memory only: an evicted object had none in progress). */
  private readonly inbox = new Map<WebSocket, Promise<void>>();

  constructor(private readonly ctx: DurableObjectState, private readonly log: DeltaLog, private readonly host: HubHost) {}

  /** The object's fetch: a WebSocket upgrade on /stream (sdk, from the Worker) or /events. */
  async upgrade(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname !== SDK_SOCKET_PATH && pathname !== EVENTS_SOCKET_PATH) return jsonError(404, "NOT_FOUND", `no socket at ${pathname}`);
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return jsonError(426, "UPGRADE_REQUIRED", "expected a WebSocket upgrade");
    }
    // sdk sockets always name their subscriber; events sockets may (a feed serving one client).
    const principal = readSubscriber(request.headers);
    if (pathname === SDK_SOCKET_PATH && !principal) return jsonError(400, "INVALID_REQUEST", "missing or malformed subscriber header");
    try {
      await this.host.snapshot();
    } catch (error) {
      if (asDeliveryError(error)?.code === "ENVIRONMENT_NOT_FOUND") return jsonError(404, "NOT_FOUND", "no such environment");
      throw error;
    }
    // The Worker's credential cache may lag a disabled or rotated client by seconds: check here too.
    if (principal?.type === "client" && !(await this.host.credentialEnabled(principal.secretHash))) {
      return jsonError(403, "FORBIDDEN", "client is disabled or its credential was revoked");
    }
    const { 0: client, 1: server } = new WebSocketPair();
    const principalTag = principal?.type === "client" ? `credential:${principal.secretHash}`
      : principal?.type === "user" ? `user:${principal.userId}` : null;
    if (pathname === SDK_SOCKET_PATH) {
      this.ctx.acceptWebSocket(server, principalTag ? ["sdk", principalTag] : ["sdk"]);
      server.serializeAttachment({ kind: "sdk", principal: principal!, ready: false, acked: 0 } satisfies Attachment);
    } else {
      this.ctx.acceptWebSocket(server, principalTag ? ["events", principalTag] : ["events"]);
      server.serializeAttachment({ kind: "events" } satisfies Attachment);
      server.send(currentFrame(this.host.current()!));
    }
    const headers = offeredSubprotocols(request.headers).includes(STREAM_SUBPROTOCOL) ? { "Sec-WebSocket-Protocol": STREAM_SUBPROTOCOL } : undefined;
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  /** webSocketMessage: the sdk protocol. Events sockets have nothing to say; their frames are ignored. */
  message(ws: WebSocket, frame: string | ArrayBuffer): Promise<void> {
    // One socket's frames are handled in order: a hello may wait on the host (a relay registering
    // with its environment object) while the client's next frame arrives.
    const run = (this.inbox.get(ws) ?? Promise.resolve()).then(() => this.handle(ws, frame));
    const tail = run.catch(() => undefined);
    this.inbox.set(ws, tail);
    void tail.then(() => {
      if (this.inbox.get(ws) === tail) this.inbox.delete(ws);
    });
    return run;
  }

  private async handle(ws: WebSocket, frame: string | ArrayBuffer): Promise<void> {
    const attachment = ws.deserializeAttachment() as Attachment;
    if (attachment.kind !== "sdk") return;
    const message = parseClientFrame(frame);
    if (isFrameError(message)) return fail(ws, message.code, message.message);
    if (!attachment.ready && message.type !== "hello") return fail(ws, "PROTOCOL_ERROR", "send hello first");
    switch (message.type) {
      case "hello": {
        if (attachment.ready) return fail(ws, "PROTOCOL_ERROR", "hello was already sent");
        await this.host.snapshot();
        // Read the document after the await: a publish that finished meanwhile is included, and
        // any later one sees this socket ready (sending and marking happen without a pause).
        const current = this.host.current()!;
        const since = message.since;
        let frames: string[];
        if (since && since.version === current.version && since.contentHash === current.contentHash) {
          frames = [currentFrame(current)];
        } else {
          frames = (since && this.log.since(since, current)) || snapshotFrames(current);
        }
        for (const text of frames) this.send(ws, text);
        ws.serializeAttachment({ ...attachment, ready: true, acked: current.version } satisfies Attachment);
        return;
      }
      case "ack": {
        // Acks only count versions this hub sent: the held document suffices (no relay registration).
        const current = this.host.current() ?? await this.host.snapshot();
        if (message.version > current.version) {
          return fail(ws, "PROTOCOL_ERROR", `ack of version ${message.version}, which was never sent (current ${current.version})`);
        }
        if (message.version > attachment.acked) ws.serializeAttachment({ ...attachment, acked: message.version } satisfies Attachment);
        return;
      }
      case "resync": {
        const current = await this.host.snapshot();
        for (const text of snapshotFrames(current)) this.send(ws, text);
        ws.serializeAttachment({ ...attachment, acked: current.version } satisfies Attachment);
        return;
      }
    }
  }

  /**
   * After a publish stored `next`: the delta from `previous` (null when it does not follow), then
   * `deliver`. The environment object calls this; a relay, which receives the delta, calls deliver.
   */
  published(previous: FlagSetDocument | null, next: FlagSetDocument): VersionDelivery {
    const delta = previous && previous.version === next.version - 1 ? diffFlagSets(previous, next) : null;
    const delivery: VersionDelivery = delta
      ? { delta, deltaText: JSON.stringify(delta), fromHash: previous!.contentHash, event: flagsChanged(next, delta) }
      : { delta: null, deltaText: null, fromHash: null, event: flagsChanged(next, null) };
    this.deliver(next, delivery);
    return delivery;
  }

  /**
   * Logs the version's delta, sends it (or, if it does not follow or fit in a frame, the
   * snapshot) to every ready sdk socket, closes consumers that fell too far behind, and tells the
   * events sockets which flags changed.
   */
  deliver(next: FlagSetDocument, { delta, deltaText, fromHash, event }: VersionDelivery): void {
    let frames: string[];
    if (delta && deltaText !== null && fromHash !== null) {
      this.log.append(delta, deltaText, fromHash);
      frames = fitsInBytes(deltaText, MAX_SERVER_FRAME_BYTES) ? [deltaText] : snapshotFrames(next);
    } else {
      this.log.clear();
      frames = snapshotFrames(next);
    }
    for (const ws of this.ctx.getWebSockets("sdk")) {
      const attachment = ws.deserializeAttachment() as Attachment;
      if (attachment.kind !== "sdk" || !attachment.ready) continue;
      if (next.version - attachment.acked > MAX_UNACKED_VERSIONS) {
        fail(ws, "SLOW_CONSUMER", `more than ${MAX_UNACKED_VERSIONS} versions unacknowledged; reconnect with since`);
        continue;
      }
      for (const text of frames) this.send(ws, text);
    }
    this.announce(event);
  }

  /** Sends the event to every events socket. */
  announce(event: DeliveryEvent): void {
    const text = JSON.stringify({ type: "event", event } satisfies EventMessage);
    for (const ws of this.ctx.getWebSockets("events")) this.send(ws, text);
  }

  /** Open sockets of both kinds (a relay shard's load). */
  socketCount(): number {
    return this.ctx.getWebSockets().length;
  }

  private send(ws: WebSocket, text: string): void {
    this.framesSent++;
    try {
      ws.send(text);
    } catch {
      // closing: its webSocketClose follows
    }
  }

  /** Closes the sockets (sdk and events) opened for these now disabled, rotated or deleted credentials. */
  revoke(secretHashes: Iterable<string>): void {
    for (const hash of secretHashes) {
      for (const ws of this.ctx.getWebSockets(`credential:${hash}`)) fail(ws, "CREDENTIAL_REVOKED", "the client credential was disabled, rotated or deleted");
    }
  }

  /** Closes the sockets (sdk and events) opened with this user's token. */
  revokeUser(userId: string): void {
    for (const ws of this.ctx.getWebSockets(`user:${userId}`)) fail(ws, "CREDENTIAL_REVOKED", "the user's access to this environment ended");
  }

  /** The environment is gone: every socket, sdk and events, is told and closed. */
  retire(): void {
    for (const ws of this.ctx.getWebSockets()) fail(ws, "ENVIRONMENT_DELETED", "the environment was deleted");
  }
}

/** Sends an error and closes with its code; a socket already closing is left alone. */
function fail(ws: WebSocket, code: StreamErrorCode, message: string): void {
  try {
    ws.send(JSON.stringify({ type: "error", code, message }));
    ws.close(CLOSE_CODES[code], code);
  } catch {
    // already closing or closed
  }
}

export function flagsChanged(next: FlagSetDocument, delta: DeltaMessage | null): FlagsChangedEvent {
  const flags = delta ? changedFlagKeys(delta) : next.flags.map((f) => f.key).sort(compareKeys);
  return { type: "flags_changed", environmentId: next.environment.id, version: next.version, flags, at: next.generatedAt };
}

function jsonError(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}
