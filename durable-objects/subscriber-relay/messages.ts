// What an environment object and its relays say to each other, over Durable Object RPC.
//   environment object -> relay: `receive(push)`, one call per relay per change (a new version, an
//     announced event, a revocation, the environment's retirement), in order per relay.
//   relay -> environment object: `registerRelay` (when it takes sockets and is not registered),
//     `relayCatchUp` (the versions it missed), `credentialEnabled` (a client socket's check).
import type { FlagSetDocument } from "../../engine/types";
import type { DeliveryEvent, FlagsChangedEvent, SnapshotId } from "../../protocol/stream";
import type { Delivered } from "../delivery-error";
import type { LoggedDelta } from "../delta-log";

export type RelayPush =
  /**
   * A new version. `deltaText` (a DeltaMessage's JSON) takes the snapshot `fromHash` names to
   * `current`; null when the version does not follow its predecessor (the relay then fetches the
   * snapshot). `event` is the flags_changed its events sockets get.
   */
  | { type: "version"; current: SnapshotId; deltaText: string | null; fromHash: string | null; event: FlagsChangedEvent }
  /** An announced event (kill switch, approval request, evaluations counted) for events sockets. */
  | { type: "event"; event: DeliveryEvent }
  /** These client credentials were disabled, rotated or deleted. */
  | { type: "revoke"; secretHashes: string[] }
  /** This user lost access to the environment. */
  | { type: "revoke_user"; userId: string }
  /** The environment was deleted: close everything, keep nothing. */
  | { type: "retired" };

/** A relay's answer to a push: with no subscribers left it asks to be forgotten. */
export interface RelayAck {
  subscribers: number;
}

/**
 * What a relay behind on versions gets: the missed deltas (frames, in order), or the snapshot with
 * the environment's delta log leading to it (the relay's log then serves resumes as the object's would).
 */
export type RelayCatchUp = { deltas: string[] } | { snapshot: FlagSetDocument; log: LoggedDelta[] };

/** The environment object's methods its relays call (answers as values: delivery-error.ts). */
export interface RelayUpstream {
  /** Adds the relay to the environment's registry; the current snapshot id (built on first use). */
  registerRelay(name: string): Promise<Delivered<SnapshotId>>;
  /** From the snapshot `since` to the current one. */
  relayCatchUp(since: SnapshotId): Promise<Delivered<RelayCatchUp>>;
  /** Whether the environment's latest client records hold this secret hash, enabled. */
  credentialEnabled(secretHash: string): Promise<boolean>;
}

/** The relay's RPC surface, as the environment object sees it. */
export interface RelayDownstream {
  receive(push: RelayPush): Promise<RelayAck>;
}
