// Where an isolate gets an environment's snapshot from: the KV copy (fast, eventually consistent)
// and the environment's Durable Object (authoritative, addressed by environment id).
import type { FlagSetDocument } from "../../../engine/types";
import { environmentHub } from "../../../durable-objects/hub";
import { flagSetKvKey } from "../../../protocol/delivery";
import type { Env } from "../../env";

export interface SnapshotSource {
  /** The KV copy (its text, flags parsed on first use; see engine/snapshot-text.ts), or null when KV has none. */
  readStored(environmentId: string): Promise<FlagSetDocument | string | null>;
  /** The Durable Object's current snapshot. */
  fetchCurrent(environmentId: string): Promise<FlagSetDocument>;
  /** The Durable Object's snapshot when its (version, contentHash) differs from these, else null. */
  fetchIfChanged(environmentId: string, version: number, contentHash: string): Promise<FlagSetDocument | null>;
}

export function platformSnapshotSource(env: Env): SnapshotSource {
  // A fresh stub per call: a stub that has thrown once stays broken.
  const hub = (environmentId: string) => environmentHub(env, environmentId);
  return {
    readStored: (environmentId) => env.FLAGS_KV.get(flagSetKvKey(environmentId), "text"),
    fetchCurrent: (environmentId) => hub(environmentId).getSnapshot(),
    fetchIfChanged: (environmentId, version, contentHash) =>
      hub(environmentId).getSnapshotIfChanged(version, contentHash),
  };
}
