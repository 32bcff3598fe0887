// Turns one or more event feeds into one async iterator of payloads, for a GraphQL subscription.
// Hand-written rather than an async generator on purpose: a generator suspended in `await` (no
// event yet) only sees return() after its next event, so a subscriber that left during a quiet
// period would keep its sockets open. Here return() closes every feed at once.
import type { EventFeed, FeedItem } from "./event-feed";

/**
 * Items of all `feeds`, mapped by `select` (null: skip), in arrival order per feed. Ends when
 * every feed ended or the consumer returns; either way every feed is closed.
 */
export function feedChannel<T>(feeds: EventFeed[], select: (item: FeedItem) => Promise<T | null> | T | null): AsyncIterableIterator<T> {
  const queue: T[] = [];
  let wake: (() => void) | null = null;
  let running = feeds.length;
  let closed = false;
  const notify = () => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  const close = () => {
    closed = true;
    for (const feed of feeds) feed.close();
    queue.length = 0;
    notify();
  };
  for (const feed of feeds) {
    void (async () => {
      try {
        for await (const item of feed) {
          const value = await select(item);
          if (value !== null && !closed) {
            queue.push(value);
            notify();
          }
        }
      } catch (error) {
        console.error("event channel: a feed failed", error);
      } finally {
        running--;
        notify();
      }
    })();
  }
  return closableIterator(async (): Promise<IteratorResult<T>> => {
    for (;;) {
      if (closed) return { value: undefined, done: true };
      const value = queue.shift();
      if (value !== undefined) return { value, done: false };
      if (running === 0) {
        close();
        return { value: undefined, done: true };
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  }, close);
}

/** An async iterator from `next` whose return() calls `close` at once (whatever next is waiting on). */
export function closableIterator<T>(next: () => Promise<IteratorResult<T>>, close: () => void): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    next,
    async return(): Promise<IteratorResult<T>> {
      close();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** Remembers the last `size` keys: true the first time a key is seen. */
export function firstSeen(size = 256): (key: string) => boolean {
  const seen = new Set<string>();
  return (key) => {
    if (seen.has(key)) return false;
    seen.add(key);
    if (seen.size > size) seen.delete(seen.values().next().value!);
    return true;
  };
}
