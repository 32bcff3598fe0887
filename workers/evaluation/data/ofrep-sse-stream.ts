// The OFREP event stream (text/event-stream) of one environment, fed by its Durable Object's
// events socket (workers/evaluation/delivery/event-feed.ts). Per the OFREP event-stream spec every change is
//   event: message / id: <snapshot version> / data: {"type":"refetchEvaluation","etag":"<version>"}
// The id makes EventSource send Last-Event-ID when it reconnects: if the version moved since, the
// stream opens with a refetchEvaluation (never a silent gap). A feed that reconnected to its object
// yields a synthetic flags_changed when it missed versions, which becomes a refetch as well.
// Comment lines every HEARTBEAT_MS keep proxies from timing the connection out. The client row is
// re-read every CLIENT_RECHECK_MS so a disabled, rotated or deleted client's stream ends even if
// the object's socket does not close first.
import type { EventFeed, FeedItem } from "../delivery/event-feed";

export const HEARTBEAT_MS = 25_000;
export const CLIENT_RECHECK_MS = 60_000;
/** Suggested EventSource reconnection delay. */
export const RETRY_MS = 2_000;

const encoder = new TextEncoder();

/** `etag` is the version: providers send it back as ?flagConfigEtag= (see ofrep-routes.ts). */
export const refetchFrame = (version: number) =>
  `event: message\nid: ${version}\ndata: {"type":"refetchEvaluation","etag":"${version}"}\n\n`;
export const commentFrame = (text: string) => `: ${text}\n\n`;
/** Sets the stream's last event id without dispatching an event (an event without data is not). */
export const idFrame = (version: number) => `id: ${version}\n\n`;

/** The frame an item becomes, given the Last-Event-ID the client reconnected with (null: none). */
export function frameOf(item: FeedItem, lastEventId: string | null): string | null {
  if (item.type === "current") {
    const version = item.snapshot.version;
    if (lastEventId !== null && lastEventId !== String(version)) return refetchFrame(version);
    return idFrame(version);
  }
  return item.event.type === "flags_changed" ? refetchFrame(item.event.version) : null;
}

export interface StreamOptions {
  lastEventId: string | null;
  /** False once the client may no longer stream (disabled, rotated, deleted). */
  stillAllowed: () => Promise<boolean>;
  heartbeatMs?: number;
  recheckMs?: number;
}

export function ofrepEventStream(feed: EventFeed, options: StreamOptions): ReadableStream<Uint8Array> {
  const timers: ReturnType<typeof setInterval>[] = [];
  let open = true;
  let stop = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        if (open) controller.enqueue(encoder.encode(text));
      };
      stop = () => {
        if (!open) return;
        open = false;
        for (const timer of timers) clearInterval(timer);
        feed.close();
      };
      const end = () => {
        if (!open) return;
        stop();
        controller.close();
      };
      write(`retry: ${RETRY_MS}\n\n${commentFrame("connected")}`);
      timers.push(setInterval(() => write(commentFrame("heartbeat")), options.heartbeatMs ?? HEARTBEAT_MS));
      timers.push(setInterval(() => {
        options.stillAllowed().then((allowed) => allowed || end(), (error) => console.warn("event stream: client recheck failed", String(error)));
      }, options.recheckMs ?? CLIENT_RECHECK_MS));
      void (async () => {
        try {
          for await (const item of feed) {
            const frame = frameOf(item, options.lastEventId);
            if (frame !== null) write(frame);
          }
        } catch (error) {
          console.error("event stream: feed failed", error);
        }
        end();
      })();
    },
    cancel() {
      stop();
    },
  });
}
