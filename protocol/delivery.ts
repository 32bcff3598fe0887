// What the delivery plane (the environment Durable Object) and the data plane (the evaluation
// Worker) agree on: KV key layout, the client credential record, and the object's RPC surface.
// Later the WebSocket message types for the SDK live beside this, in protocol/.
import type { FlagSetDocument } from "../engine/types";
import type { SyncAnswer, SyncRequest } from "./count-batch";
import type { DeliveryEvent } from "./stream";

/** KV key of an environment's latest published FlagSetDocument (JSON, contentHash included). */
export const flagSetKvKey = (environmentId: string) => `flagset:${environmentId}`;

/** KV key of a client credential record, addressed by the SHA-256 (hex) of the client secret. */
export const clientKvKey = (secretHashHex: string) => `client:${secretHashHex}`;

export type ClientKind = "server" | "web";

/** What the evaluation Worker knows of a client credential. Never holds the secret itself. */
export interface ClientRecord {
  clientId: string;
  /** SHA-256 hex of the secret; compared in constant time after the lookup. */
  secretHash: string;
  teamId: string;
  environmentId: string;
  kind: ClientKind;
  enabled: boolean;
  /** Exact origins (scheme://host[:port]) a web client may be called from. */
  origins: string[];
}

export interface PublishResult {
  environmentId: string;
  version: number;
  /** False when the rebuilt snapshot equals the current one (the version is then not bumped). */
  changed: boolean;
}

/** RPC methods of the EnvironmentDO the Worker and the admin API call. */
export interface EnvironmentHub {
  /** Rebuild from D1, bump the version when the content changed, store, write KV, notify. */
  publish(): Promise<PublishResult>;
  /** The current snapshot, built from D1 on first use. */
  getSnapshot(): Promise<FlagSetDocument>;
  /**
   * The current snapshot when its version or its content hash differs from the caller's, else
   * null (cheap revalidation). The pair, not the version alone, identifies a snapshot: if the
   * object's storage is lost its versions restart at 1 and an equal number may name other content.
   */
  getSnapshotIfChanged(version: number, contentHash: string): Promise<FlagSetDocument | null>;
  /**
   * getSnapshotIfChanged plus evaluation counts (protocol/count-batch.ts): the object stores the
   * batches it has not seen in its count ledger and acknowledges them. Called by the location
   * relays, and by isolates directly when their relay cannot be reached.
   */
  sync(request: SyncRequest): Promise<SyncAnswer>;
  /**
   * After the environment's deletion from D1: deletes its KV copy and the client records the
   * object put into KV, cancels the alarm and erases the object's storage (snapshot, schedule).
   * Refused (ENVIRONMENT_EXISTS) while D1 still has the environment.
   */
  retire(): Promise<void>;
  /**
   * Sends the event to the environment's "events" sockets (the SSE bridge, GraphQL
   * subscriptions): the control plane announces kill_switch and approval_request events here;
   * flags_changed is sent by the object itself on every publish that changes the version.
   */
  announce(event: DeliveryEvent): Promise<void>;
  /**
   * Closes every socket (SDK and event subscribers, e.g. GraphQL subscriptions) opened with this
   * user's token, with CREDENTIAL_REVOKED: a socket checks the user only when it opens, so the
   * control plane calls this after the user lost access (disabled, or removed from the team).
   */
  revokeUser(userId: string): Promise<void>;
}
