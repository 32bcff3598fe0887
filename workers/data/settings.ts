// Tunables read from the Worker's vars (wrangler.toml [vars]); parsed once per distinct value.
import type { Env } from "../env";

export interface SnapshotSettings {
  /** Serve a memory snapshot older than this, and revalidate it against the Durable Object. */
  revalidateMs: number;
  /** A snapshot the Durable Object has not confirmed for this long is reported stale. */
  staleAfterMs: number;
}

export const DEFAULT_REVALIDATE_MS = 1_000;
export const DEFAULT_STALE_AFTER_MS = 60_000;

let memo: { key: string; settings: SnapshotSettings } | undefined;

export function snapshotSettings(env: Env): SnapshotSettings {
  const key = `${env.SNAPSHOT_REVALIDATE_MS}|${env.SNAPSHOT_STALE_AFTER_MS}`;
  if (memo?.key !== key) {
    memo = {
      key,
      settings: {
        revalidateMs: nonNegative(env.SNAPSHOT_REVALIDATE_MS, DEFAULT_REVALIDATE_MS),
        staleAfterMs: nonNegative(env.SNAPSHOT_STALE_AFTER_MS, DEFAULT_STALE_AFTER_MS),
      },
    };
  }
  return memo.settings;
}

function nonNegative(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return text !== undefined && text.trim() !== "" && Number.isFinite(n) && n >= 0 ? n : fallback;
}
