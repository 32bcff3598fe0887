// The live-delivery wire protocol: every message exchanged over the environment Durable Object's
// WebSocket, by the object, the Worker (which authenticates and forwards the upgrade, and bridges
// events to SSE and GraphQL subscriptions) and the SDK. One module, so the three cannot drift.
// Plain types and constants only: no platform imports (the SDK runs in Node, browsers and Workers).
import type { FlagDocument, FlagSetDocument, SegmentDocument } from "../engine/types";

/** Bumped on an incompatible change; the object refuses a hello with another number. */
export const STREAM_PROTOCOL_VERSION = 1;

/** The Worker's WebSocket endpoint for SDKs (local evaluation) and other subscribers. */
export const STREAM_PATH = "/v1/stream";

/**
 * Browsers cannot set headers on a WebSocket, so they may offer the subprotocols
 * [STREAM_SUBPROTOCOL, CREDENTIAL_SUBPROTOCOL_PREFIX + secret]; the server answers STREAM_SUBPROTOCOL.
 * Other clients send Authorization: Bearer <secret> or X-API-Key, like OFREP.
 */
export const STREAM_SUBPROTOCOL = "fluxgate.v1";
export const CREDENTIAL_SUBPROTOCOL_PREFIX = "fluxgate.credential.";

/**
 * Keep-alive: the client sends this exact text frame; the object's auto-response answers PONG
 * without waking it from hibernation (WebSocketRequestResponsePair).
 */
export const PING = "ping";
export const PONG = "pong";

/** A client frame larger than this is a protocol violation (close 1009). */
export const MAX_CLIENT_MESSAGE_BYTES = 4096;

/**
 * Server frames stay below this size: a larger snapshot is sent as `snapshot_part` frames
 * (hibernated sockets have trouble with frames near 1 MB).
 */
export const MAX_SERVER_FRAME_BYTES = 256 * 1024;

// ---------------------------------------------------------------- client -> server

/**
 * First frame of every connection. `since` is the snapshot the client already holds (after a
 * reconnect, or bootstrapped): the object answers with the missed deltas if it still holds all
 * of them, `current` if nothing changed, else a full snapshot. Never a silent gap.
 */
export interface HelloMessage {
  type: "hello";
  protocol: typeof STREAM_PROTOCOL_VERSION;
  /** Free text for diagnostics, e.g. "fluxgate-sdk/0.1.0 node". */
  sdk?: string;
  since?: SnapshotId;
}

/** The client has applied everything up to `version` (the slow-consumer policy counts on it). */
export interface AckMessage {
  type: "ack";
  version: number;
}

/** Asks for a full snapshot again (the client detected a gap or a hash mismatch). */
export interface ResyncMessage {
  type: "resync";
}

export type ClientMessage = HelloMessage | AckMessage | ResyncMessage;

// ---------------------------------------------------------------- server -> client

/** (version, contentHash) names one snapshot: versions restart if the object's storage is lost. */
export interface SnapshotId {
  version: number;
  contentHash: string;
}

/** The whole document, when it fits in one frame. */
export interface SnapshotMessage {
  type: "snapshot";
  document: FlagSetDocument;
}

/** One slice of a large snapshot's JSON text; the client joins `parts` slices in order. */
export interface SnapshotPartMessage {
  type: "snapshot_part";
  version: number;
  contentHash: string;
  part: number;
  parts: number;
  data: string;
}

/** Nothing missed: the client's snapshot is the current one. */
export interface CurrentMessage {
  type: "current";
  version: number;
  contentHash: string;
}

/**
 * The change from `fromVersion` to `version` (always fromVersion + 1). Flags and segments are
 * replaced whole by key or removed; `contentHash` is the hash of the resulting content, which the
 * client can verify (flagSetContentHash) before it serves the result.
 */
export interface DeltaMessage {
  type: "delta";
  fromVersion: number;
  version: number;
  contentHash: string;
  generatedAt: string;
  environment: FlagSetDocument["environment"];
  flags: { put: FlagDocument[]; removed: string[] };
  segments: { put: SegmentDocument[]; removed: string[] };
}

/** Sent before the object closes a socket on purpose (with the matching close code). */
export interface ErrorMessage {
  type: "error";
  code: StreamErrorCode;
  message: string;
}

/** A change notice for event subscribers (SSE bridge, GraphQL subscriptions). */
export interface EventMessage {
  type: "event";
  event: DeliveryEvent;
}

export type ServerMessage =
  | SnapshotMessage | SnapshotPartMessage | CurrentMessage | DeltaMessage | ErrorMessage | EventMessage;

// ---------------------------------------------------------------- events (SSE, GraphQL subscriptions)

/** The environment's published flags changed (a new snapshot version). */
export interface FlagsChangedEvent {
  type: "flags_changed";
  environmentId: string;
  version: number;
  /** Keys of flags added, changed or removed by this version. */
  flags: string[];
  at: string;
}

/** A feature's kill switch was engaged or released in this environment's team. */
export interface KillSwitchEvent {
  type: "kill_switch";
  environmentId: string;
  featureId: string;
  featureKey: string;
  engaged: boolean;
  /** When an engaged switch rolls back by itself (ISO-8601), else null. */
  rollbackAt: string | null;
  at: string;
}

/** An approval request for a stage in this environment was created or changed status. */
export interface ApprovalRequestEvent {
  type: "approval_request";
  environmentId: string;
  teamId: string;
  requestId: string;
  featureId: string;
  featureKey: string;
  status: string;
  at: string;
}

/**
 * New evaluation counts of this environment landed in the D1 rollups (the environment object's
 * flush, at most once per flush interval): live analytics subscriptions re-read and push. Other
 * consumers (OFREP SSE, SDK streams) ignore it.
 */
export interface EvaluationsCountedEvent {
  type: "evaluations_counted";
  environmentId: string;
  /** The epoch minutes whose rollups changed. */
  minutes: number[];
  at: string;
}

export type DeliveryEvent = FlagsChangedEvent | KillSwitchEvent | ApprovalRequestEvent | EvaluationsCountedEvent;

// ---------------------------------------------------------------- errors and close codes

export type StreamErrorCode =
  | "PROTOCOL_ERROR" // unparseable frame, unknown type, wrong protocol number, no hello first
  | "MESSAGE_TOO_BIG" // a client frame over MAX_CLIENT_MESSAGE_BYTES
  | "SLOW_CONSUMER" // too many unacknowledged versions: reconnect and take a snapshot
  | "ENVIRONMENT_DELETED" // the environment is gone: do not reconnect
  | "CREDENTIAL_REVOKED"; // the client was disabled, rotated or deleted: do not reconnect

/** WebSocket close codes the object uses (4000-4999 are application codes). */
export const CLOSE_CODES = {
  PROTOCOL_ERROR: 4000,
  MESSAGE_TOO_BIG: 1009,
  SLOW_CONSUMER: 4008,
  ENVIRONMENT_DELETED: 4004,
  CREDENTIAL_REVOKED: 4003,
} as const satisfies Record<StreamErrorCode, number>;

/** Close codes after which a client must not reconnect with the same credential. */
export const TERMINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CLOSE_CODES.ENVIRONMENT_DELETED, CLOSE_CODES.CREDENTIAL_REVOKED,
]);
