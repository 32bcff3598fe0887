// Typed SDK failures: a machine-readable code plus a message, never a bare string.

export type FluxGateErrorCode =
  /** Bad options (missing base URL or credential, no WebSocket implementation available). */
  | "CONFIGURATION"
  /** The server refused the credential (HTTP 401/403): retrying with it cannot succeed. */
  | "CREDENTIAL_REJECTED"
  /** The stream closed with CREDENTIAL_REVOKED (client disabled, rotated or deleted). */
  | "CREDENTIAL_REVOKED"
  /** The stream closed with ENVIRONMENT_DELETED. */
  | "ENVIRONMENT_DELETED"
  /** No snapshot (bootstrap, storage or stream) within the initial-load timeout. */
  | "INITIAL_LOAD_FAILED"
  /** An HTTP answer the SDK cannot use (status in `status`). */
  | "HTTP_ERROR"
  /** The network request failed or timed out. */
  | "NETWORK_ERROR"
  /** The client was closed. */
  | "CLOSED";

export class FluxGateError extends Error {
  override readonly name = "FluxGateError";
  constructor(
    readonly code: FluxGateErrorCode,
    message: string,
    /** The HTTP status, when the failure was an HTTP answer. */
    readonly status?: number,
  ) {
    super(message);
  }

  /** True for failures after which the SDK stops trying with the same credential. */
  get terminal(): boolean {
    return this.code === "CREDENTIAL_REJECTED" || this.code === "CREDENTIAL_REVOKED"
      || this.code === "ENVIRONMENT_DELETED" || this.code === "CONFIGURATION";
  }
}
