// Typed SDK failures: a machine-readable code plus a message, never a bare string.

export type FluxGateErrorCode =
  /** Bad options (missing base URL or credential, no WebSocket implementation available). */
  | "CONFIGURATION"
  /** The server refused the credential (HTTP 401/403): retrying with it cannot succeed. */
  | "CREDENTIAL_REJECTED"
  /** A web client used from a page whose origin it does not list (the message names the origin). */
  | "ORIGIN_NOT_ALLOWED"
  /** A server client's secret used from a browser: use a web client's secret in pages. */
  | "SERVER_CLIENT_IN_BROWSER"
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
    return TERMINAL_CODES.has(this.code);
  }
}

const TERMINAL_CODES: ReadonlySet<FluxGateErrorCode> = new Set<FluxGateErrorCode>([
  "CREDENTIAL_REJECTED", "ORIGIN_NOT_ALLOWED", "SERVER_CLIENT_IN_BROWSER", "CREDENTIAL_REVOKED", "ENVIRONMENT_DELETED", "CONFIGURATION",
]);
