// The Worker's side of an environment Durable Object's internal "events" socket: the source of the
// OFREP SSE bridge and of the GraphQL subscriptions (never an in-memory pub/sub, which would miss
// changes made through other isolates).
//
// openEventFeed() opens the socket (stub.fetch upgrade: WebSocket upgrades cannot use RPC) and
// yields, as an async iterable: first the object's `current` snapshot id, then one item per
// DeliveryEvent. The object drops every socket when it restarts (a deploy, an eviction): the feed
// then reconnects with full-jitter exponential backoff, and when the version moved while it was
// away it yields a synthetic flags_changed (flags: [] = "unknown, refetch everything") before
// anything else, so a consumer never misses a change silently. It ends for good when the consumer
// stops iterating, the signal aborts, close() is called, or the object closes with a terminal code
// (credential revoked, environment deleted: `endReason` says which).
import {
  CLOSE_CODES, TERMINAL_CLOSE_CODES, type DeliveryEvent, type ServerMessage, type SnapshotId, type StreamErrorCode,
} from "../../../protocol/stream";
import { eventsSocketRequest, SUBSCRIBER_HEADER, type SubscriberPrincipal } from "../../../durable-objects/subscriber";

export type FeedItem =
  /** A stream joining a shared feed (shared-feed.ts) may know the version only: contentHash is then "". */
  | { type: "current"; snapshot: SnapshotId }
  /** `resynced`: made up after a reconnect because the version moved while the feed was away. */
  | { type: "event"; event: DeliveryEvent; resynced?: true };

/** Why a feed ended on the object's initiative (null while open or when the consumer stopped it). */
export type FeedEndReason = Extract<StreamErrorCode, "CREDENTIAL_REVOKED" | "ENVIRONMENT_DELETED">;

export interface EventFeed extends AsyncIterable<FeedItem> {
  close(): void;
  readonly endReason: FeedEndReason | null;
}

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 100, maxMs: 10_000 };

export interface EventFeedOptions {
  /**
   * Whom the feed serves, when a client credential: the object then closes the socket with
   * CREDENTIAL_REVOKED when that client is disabled, rotated or deleted. Users are authorised by
   * the Worker before the feed opens.
   */
  subscriber?: SubscriberPrincipal;
  signal?: AbortSignal;
  backoff?: BackoffOptions;
  /** Overrides the clock of synthetic events (tests). */
  now?: () => Date;
}

/** Where feeds open their socket: relays (relay-door.ts relayNamespace) or an environment object namespace. */
type Namespace = { getByName(environmentId: string): { fetch(request: Request): Promise<Response> } };

/** Full jitter: uniformly random in [0, min(max, base * 2^attempt)]. */
export function backoffDelayMs(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random = Math.random): number {
  const cap = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * cap);
}

/**
 * What a (re)connection's `current` means to a consumer that last saw `last`: the first id is
 * passed on; afterwards a changed id becomes a synthetic flags_changed, an unchanged one nothing.
 * A null contentHash (known only from a flags_changed event) compares by version alone: at worst
 * one spurious refetch, never a missed one.
 */
export function onCurrent(
  environmentId: string, last: { version: number; contentHash: string | null } | null, current: SnapshotId, at: Date,
): FeedItem | null {
  if (last === null) return { type: "current", snapshot: current };
  const same = last.version === current.version && (last.contentHash === null || last.contentHash === current.contentHash);
  if (same) return null;
  return {
    type: "event", resynced: true,
    event: { type: "flags_changed", environmentId, version: current.version, flags: [], at: at.toISOString() },
  };
}

export function openEventFeed(namespace: Namespace, environmentId: string, options: EventFeedOptions): EventFeed {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const now = options.now ?? (() => new Date());
  const queue: FeedItem[] = [];
  let wake: (() => void) | null = null;
  let socket: WebSocket | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let done = false;
  let endReason: FeedEndReason | null = null;
  let last: { version: number; contentHash: string | null } | null = null;
  let attempt = 0;

  const notify = () => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  const push = (item: FeedItem) => {
    queue.push(item);
    notify();
  };
  const finish = (reason: FeedEndReason | null) => {
    if (done) return;
    done = true;
    endReason = reason;
    if (timer !== null) clearTimeout(timer);
    try {
      socket?.close(1000, "subscriber gone");
    } catch {
      // already closed
    }
    socket = null;
    options.signal?.removeEventListener("abort", onAbort);
    notify();
  };
  const onAbort = () => finish(null);

  const scheduleReconnect = () => {
    if (done) return;
    socket = null;
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, backoffDelayMs(attempt++, backoff));
  };

  const onMessage = (data: unknown) => {
    if (typeof data !== "string") return;
    let message: ServerMessage;
    try {
      message = JSON.parse(data) as ServerMessage;
    } catch {
      return;
    }
    if (message.type === "current") {
      attempt = 0;
      const item = onCurrent(environmentId, last, { version: message.version, contentHash: message.contentHash }, now());
      last = { version: message.version, contentHash: message.contentHash };
      if (item) push(item);
    } else if (message.type === "event") {
      const event = message.event;
      if (event.type === "flags_changed") {
        if (last !== null && event.version <= last.version && last.contentHash !== null) return; // already announced by a resync
        last = { version: event.version, contentHash: null };
      }
      push({ type: "event", event });
    }
  };

  async function connect(): Promise<void> {
    if (done) return;
    let response: Response;
    try {
      const request = eventsSocketRequest();
      if (options.subscriber) request.headers.set(SUBSCRIBER_HEADER, JSON.stringify(options.subscriber));
      response = await namespace.getByName(environmentId).fetch(request);
    } catch (error) {
      console.warn("events socket: connect failed; retrying", { environmentId, error: String(error) });
      return scheduleReconnect();
    }
    const ws = response.webSocket;
    if (response.status === 403) return finish("CREDENTIAL_REVOKED");
    if (!ws) return scheduleReconnect();
    if (done) {
      ws.accept();
      ws.close(1000, "subscriber gone");
      return;
    }
    ws.accept();
    socket = ws;
    ws.addEventListener("message", (event) => onMessage(event.data));
    ws.addEventListener("close", (event) => {
      if (socket !== ws) return;
      if (TERMINAL_CLOSE_CODES.has(event.code)) {
        finish(event.code === CLOSE_CODES.CREDENTIAL_REVOKED ? "CREDENTIAL_REVOKED" : "ENVIRONMENT_DELETED");
      } else {
        scheduleReconnect();
      }
    });
    ws.addEventListener("error", () => {
      if (socket !== ws) return;
      scheduleReconnect();
      try {
        ws.close(1011, "socket error");
      } catch {
        // already closed
      }
    });
  }

  if (options.signal?.aborted) done = true;
  else {
    options.signal?.addEventListener("abort", onAbort);
    void connect();
  }

  return {
    close: () => finish(null),
    get endReason() {
      return endReason;
    },
    [Symbol.asyncIterator](): AsyncIterator<FeedItem> {
      return {
        async next(): Promise<IteratorResult<FeedItem>> {
          for (;;) {
            const item = queue.shift();
            if (item !== undefined) return { value: item, done: false };
            if (done) return { value: undefined, done: true };
            await new Promise<void>((resolve) => (wake = resolve));
          }
        },
        async return(): Promise<IteratorResult<FeedItem>> {
          finish(null);
          queue.length = 0;
          return { value: undefined, done: true };
        },
      };
    },
  };
}
