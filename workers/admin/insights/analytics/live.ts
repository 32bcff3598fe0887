// Live analytics for subscriptions: the first payload at once, then a new one whenever the
// environment objects announce `evaluations_counted` (new rollups landed in D1) and at least every
// `heartbeatMs` regardless (the seed's 30-second updates; Analytics Engine, which announces
// nothing, is then read on the heartbeat alone). Notices that arrive while a payload is being
// computed are coalesced into one more payload. Hand-written like event-channel.ts: return()
// must close the feeds and the timer at once, even while no notice is due.
import type { ControlDeps } from "../../core/deps";
import type { Principal } from "../../identity/authz";
import { closableIterator, feedChannel } from "../../../evaluation/delivery/event-channel";
import type { FeedItem } from "../../../evaluation/delivery/event-feed";

export interface LiveOptions {
  heartbeatMs: number;
  signal?: AbortSignal;
}

const counted = (item: FeedItem) => (item.type === "event" && item.event.type === "evaluations_counted" ? true : null);

export function livePayloads<T>(
  deps: ControlDeps, principal: Principal, environmentIds: readonly string[], compute: () => Promise<T>, options: LiveOptions,
): AsyncIterableIterator<T> {
  const feeds = environmentIds.map((id) =>
    deps.openEventFeed(id, { subscriber: { type: "user", userId: principal.userId }, signal: options.signal }));
  const notices = feedChannel(feeds, counted);
  let due = true; // the first payload comes at once
  let closed = false;
  let wake: (() => void) | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const rouse = () => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  const close = () => {
    closed = true;
    clearTimeout(timer);
    void notices.return?.();
    rouse();
  };
  options.signal?.addEventListener("abort", close, { once: true });
  void (async () => {
    for await (const _notice of notices) {
      due = true;
      rouse();
    }
  })();
  return closableIterator(async (): Promise<IteratorResult<T>> => {
    if (!closed && !due) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(rouse, options.heartbeatMs);
      });
      clearTimeout(timer);
    }
    if (closed) return { value: undefined, done: true };
    due = false;
    return { value: await compute(), done: false };
  }, close);
}
