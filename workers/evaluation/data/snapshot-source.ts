// Where an isolate gets an environment's snapshot from: the KV copy (fast, eventually consistent)
// and, authoritatively, the environment's Durable Object through the location relay of this
// isolate's location (durable-objects/location-relay/), which also takes the isolate's counts.
//
// Bounded fallback: when the relay itself cannot be reached (an exception, or no answer within
// RELAY_TIMEOUT_MS) the isolate asks the environment object directly — revalidation only, without
// counts, which stay pending for the relay (counts take one path, so one dedup covers them). The
// isolate syncs at most once per interval, so the fallback adds at most one object call per
// isolate per interval. A relay that answered UPSTREAM_UNAVAILABLE or ENVIRONMENT_NOT_FOUND was
// reached: its answer stands (asking the object again would only add load where it hurts).
import type { FlagSetDocument } from "../../../engine/types";
import type { SyncAnswer, SyncRequest } from "../../../protocol/count-batch";
import { asDeliveryError } from "../../../durable-objects/delivery-error";
import { environmentHub } from "../../../durable-objects/hub";
import { locationRelay } from "../../../durable-objects/location-relay/stub";
import { flagSetKvKey } from "../../../protocol/delivery";
import type { Env } from "../../env";
import { currentLocation } from "./location";

/** A relay slower than this counts as unreachable, leaving time for the direct call. */
export const RELAY_TIMEOUT_MS = 2_000;

export interface SnapshotSource {
  /** The KV copy (its text, flags parsed on first use; see engine/snapshot-text.ts), or null when KV has none. */
  readStored(environmentId: string): Promise<FlagSetDocument | string | null>;
  /** The current snapshot (a cold isolate without a KV copy). */
  fetchCurrent(environmentId: string): Promise<FlagSetDocument>;
  /** Revalidates (version, contentHash) and hands over counts: protocol/count-batch.ts. */
  sync(environmentId: string, request: SyncRequest): Promise<SyncAnswer>;
}

/** Diagnostics of the fallback (tests and /health read them). */
export const relayFallbacks = { count: 0 };

export function platformSnapshotSource(env: Env, location: () => string = currentLocation): SnapshotSource {
  // Fresh stubs per call: a stub that has thrown once stays broken.
  const sync = async (environmentId: string, request: SyncRequest): Promise<SyncAnswer> => {
    try {
      return await withTimeout(locationRelay(env, environmentId, location()).sync(request), RELAY_TIMEOUT_MS);
    } catch (error) {
      if (asDeliveryError(error) !== undefined) throw error;
      relayFallbacks.count++;
      console.error("location relay unreachable; asking the environment object directly", environmentId, String(error));
      const answer = await environmentHub(env, environmentId).sync({ ...request, counts: [] });
      return { document: answer.document, acked: [] };
    }
  };
  return {
    readStored: (environmentId) => env.FLAGS_KV.get(flagSetKvKey(environmentId), "text"),
    fetchCurrent: async (environmentId) => {
      const { document } = await sync(environmentId, { version: 0, contentHash: "", counts: [] });
      if (document === null) throw new Error("the relay answered no document for version 0");
      return document;
    },
    sync,
  };
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
