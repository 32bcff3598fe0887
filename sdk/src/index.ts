// @fluxgate/sdk: local evaluation over the live stream, remote evaluation over OFREP, and the
// pieces they are built from. OpenFeature providers: "@fluxgate/sdk/openfeature/server" and
// "@fluxgate/sdk/openfeature/web"; the file storage: "@fluxgate/sdk/node".
export { FluxGateLocalClient, type ClientStatus, type LocalClientEvents, type LocalClientOptions } from "./local-client";
export { FluxGateBindingClient, type BindingClientOptions, type FluxGateBinding } from "./binding-client";
export { FLAGS_ENTRYPOINT } from "../../protocol/flags-rpc";
export { FluxGateRemoteClient, type BulkAnswer, type RemoteClientOptions, type RemoteEvaluation } from "./remote-client";
export { DEFAULT_RECONNECT, StreamClient, type StreamClientEvents, type StreamClientOptions, type StreamUpdate } from "./stream-client";
export { browserWakeSignals, type WakeSignals } from "./wake-signals";
export {
  EvaluationCounter, httpCountSender, EVALUATION_COUNTS_PATH, MAX_COUNT_ENTRIES,
  type CountSender, type EvaluationCountBatch, type EvaluationCountEntry, type EvaluationCountsOptions, type EvaluationCountStats,
} from "./evaluation-counts";
export { LocalStorageSnapshotStorage, MemorySnapshotStorage, parseSnapshot, type SnapshotStorage, type WebStorageLike } from "./storage";
export { FluxGateError, type FluxGateErrorCode } from "./errors";
export type { FluxGateLogger } from "./logger";
export type { BackoffOptions } from "./backoff";
export { changedFlags } from "./changed-flags";
export {
  CREDENTIAL_SUBPROTOCOL_PREFIX, STREAM_SUBPROTOCOL, streamUrl,
  type StreamAuthentication, type WebSocketConstructor, type WebSocketLike,
} from "./websocket";
export { SDK_NAME } from "./version";
export type { EvaluationContext, EvaluationResult, FlagSetDocument, JsonValue, Reason } from "../../engine/types";
