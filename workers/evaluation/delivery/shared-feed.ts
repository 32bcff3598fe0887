// One events socket per environment and credential in an isolate, however many SSE streams (OFREP
// SSE, GraphQL subscriptions) it serves: the streams of one isolate that would each have opened
// their own feed (event-feed.ts) share one, and each gets every item from the moment it joined.
//
// Keyed by environment AND the principal the feed is opened for, on purpose: the relay closes a
// feed opened for a client credential with CREDENTIAL_REVOKED when that client is disabled (and one
// opened for a user when the user loses access), which must end exactly the streams of that
// credential. A web client's browsers all share its credential, so in practice an environment's
// OFREP streams in an isolate share one socket.
//
// Workers tie I/O to the request that created it: the shared socket belongs to the stream that
// opened it (the owner). When the owner leaves while others remain, its feed is closed and the next
// stream to ask for an item opens a new one in its own request; the replacement's first `current`
// is compared with the last version seen (onCurrent), so a version published in between becomes a
// resynced flags_changed and nothing is missed or repeated.
// Resolving a promise that another request created fails in workerd ("Cannot perform I/O on behalf
// of a different request", measured here), so the owner's stream is woken directly and every other
// stream looks at its queue every POLL_MS with a timer of its own request: at most POLL_MS of added
// latency for them, and an idle stream costs POLL_MS⁻¹ timer wake-ups per second (10).
import { onCurrent, type EventFeed, type EventFeedOptions, type FeedEndReason, type FeedItem } from "./event-feed";
import type { SubscriberPrincipal } from "../../../durable-objects/subscriber";

type Open = (environmentId: string, options: EventFeedOptions) => EventFeed;

interface View {
  queue: FeedItem[];
  wake: (() => void) | null;
  done: boolean;
  endReason: FeedEndReason | null;
  /** Opens the group's socket in this view's request. */
  open: () => EventFeed;
}

interface Group {
  key: string;
  environmentId: string;
  views: Set<View>;
  feed: EventFeed | null;
  owner: View | null;
  /** The last version seen (contentHash null when known from a flags_changed event only). */
  last: { version: number; contentHash: string | null } | null;
}

const groups = new Map<string, Group>();

/** How often a stream that does not own the socket looks for new items. */
export const POLL_MS = 100;

const principalKey = (principal: SubscriberPrincipal | undefined) =>
  principal === undefined ? "-" : principal.type === "client" ? `client:${principal.secretHash}` : `user:${principal.userId}`;

/** Shared feeds open in this isolate (tests, diagnostics). */
export function sharedFeedCount(): number {
  return groups.size;
}

/** A feed like openEventFeed's, served from the isolate's shared feed of (environment, principal). */
export function sharedEventFeed(open: Open, environmentId: string, options: EventFeedOptions): EventFeed {
  const key = `${environmentId}\n${principalKey(options.subscriber)}`;
  let group = groups.get(key);
  if (!group) {
    group = { key, environmentId, views: new Set(), feed: null, owner: null, last: null };
    groups.set(key, group);
  }
  const shared = group;
  const { signal, ...socketOptions } = options;
  const view: View = { queue: [], wake: null, done: false, endReason: null, open: () => open(environmentId, socketOptions) };
  // A stream joining a running feed starts from the version it last saw, like a fresh socket would.
  if (shared.last) {
    view.queue.push({ type: "current", snapshot: { version: shared.last.version, contentHash: shared.last.contentHash ?? "" } });
  }
  shared.views.add(view);

  const leave = () => {
    if (view.done) return;
    end(view, null);
    shared.views.delete(view);
    signal?.removeEventListener("abort", leave);
    if (shared.views.size === 0) {
      if (groups.get(key) === shared) groups.delete(key);
      replaceFeed(shared);
    } else if (shared.owner === view) {
      // The others poll: the first to look next opens the replacement in its own request.
      replaceFeed(shared);
    }
  };
  if (signal?.aborted) leave();
  else signal?.addEventListener("abort", leave);

  return {
    close: leave,
    get endReason() {
      return view.endReason;
    },
    [Symbol.asyncIterator](): AsyncIterator<FeedItem> {
      return {
        async next(): Promise<IteratorResult<FeedItem>> {
          for (;;) {
            const item = view.queue.shift();
            if (item !== undefined) return { value: item, done: false };
            if (view.done) return { value: undefined, done: true };
            if (shared.feed === null) start(shared, view);
            if (shared.owner === view) await new Promise<void>((resolve) => (view.wake = resolve));
            else await new Promise<void>((resolve) => setTimeout(resolve, POLL_MS));
          }
        },
        async return(): Promise<IteratorResult<FeedItem>> {
          leave();
          view.queue.length = 0;
          return { value: undefined, done: true };
        },
      };
    },
  };
}

/** Opens the group's socket in `owner`'s request and passes its items to every view. */
function start(group: Group, owner: View): void {
  const feed = owner.open();
  group.feed = feed;
  group.owner = owner;
  void (async () => {
    try {
      for await (const item of feed) {
        if (group.feed !== feed) return;
        let out: FeedItem | null = item;
        if (item.type === "current") {
          out = onCurrent(group.environmentId, group.last, item.snapshot, new Date());
          group.last = { ...item.snapshot };
        } else if (item.event.type === "flags_changed") {
          group.last = { version: item.event.version, contentHash: null };
        }
        if (out) for (const view of group.views) push(view, out);
      }
    } catch (error) {
      console.error("shared event feed failed", error);
    }
    if (group.feed !== feed) return; // replaced: the owner left
    // The feed ended for good (revoked, deleted): so does every stream it served.
    group.feed = null;
    if (groups.get(group.key) === group) groups.delete(group.key);
    for (const view of group.views) end(view, feed.endReason);
  })();
}

function replaceFeed(group: Group): void {
  const feed = group.feed;
  group.feed = null;
  group.owner = null;
  feed?.close();
}

function push(view: View, item: FeedItem): void {
  view.queue.push(item);
  wake(view);
}

function end(view: View, reason: FeedEndReason | null): void {
  if (view.done) return;
  view.done = true;
  view.endReason = reason;
  wake(view);
}

function wake(view: View): void {
  // Only the owner ever waits on a promise (resolved from its own request's pump or calls).
  const resolve = view.wake;
  view.wake = null;
  resolve?.();
}
