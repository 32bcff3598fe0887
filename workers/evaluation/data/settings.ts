// Tunables read from the Worker's vars (wrangler.toml [vars]); parsed once per distinct value.
import { isPublishedKeyOutsideDevelopment } from "../../development-key";
import type { Env } from "../../env";

export interface SnapshotSettings {
  /** Serve a memory snapshot older than this, and revalidate it against the Durable Object. */
  revalidateMs: number;
  /** A snapshot the Durable Object has not confirmed for this long is reported stale. */
  staleAfterMs: number;
}

export const DEFAULT_REVALIDATE_MS = 1_000;
export const DEFAULT_STALE_AFTER_MS = 60_000;

let memo: { revalidate: string | undefined; staleAfter: string | undefined; settings: SnapshotSettings } | undefined;

/** Called per request: compares the raw var strings with the memo, so nothing is allocated. */
export function snapshotSettings(env: Env): SnapshotSettings {
  const revalidate = env.SNAPSHOT_REVALIDATE_MS;
  const staleAfter = env.SNAPSHOT_STALE_AFTER_MS;
  if (memo === undefined || memo.revalidate !== revalidate || memo.staleAfter !== staleAfter) {
    memo = {
      revalidate,
      staleAfter,
      settings: {
        revalidateMs: nonNegative(revalidate, DEFAULT_REVALIDATE_MS),
        staleAfterMs: nonNegative(staleAfter, DEFAULT_STALE_AFTER_MS),
      },
    };
  }
  return memo.settings;
}

function nonNegative(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return text !== undefined && text.trim() !== "" && Number.isFinite(n) && n >= 0 ? n : fallback;
}

let warned = false;

/**
 * The master key of OFREP event-stream tokens (ofrep-sse-token.ts): AUTH_ENCRYPTION_KEY, except the
 * published development key outside development, which would let anyone mint tokens. Without a
 * key the bulk answer offers no event stream and GET /ofrep/v1/events answers 401.
 */
export function eventStreamKey(env: Env): string | undefined {
  const key = env.AUTH_ENCRYPTION_KEY;
  if (!isPublishedKeyOutsideDevelopment(key, env.FLUXGATE_ENV)) return key;
  if (!warned) {
    warned = true;
    console.error("AUTH_ENCRYPTION_KEY is the published development key outside development: OFREP event streams are off; "
      + "set a secret one with `wrangler secret put AUTH_ENCRYPTION_KEY`");
  }
  return undefined;
}
