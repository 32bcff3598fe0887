// The WebSocket seam: browsers, Workers and Node 22+ have a global WebSocket; Node 20 does not, so
// the application passes a constructor (e.g. the `ws` package's default export). Browsers cannot
// set headers on a WebSocket, so the credential can travel in the subprotocol list instead.
import { STREAM_PATH } from "../../protocol/stream";
import { FluxGateError } from "./errors";

/** The subset of the WHATWG WebSocket the SDK uses (also implemented by the `ws` package). */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol?: string;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/**
 * A WebSocket constructor. The third argument follows the `ws` package (`{ headers }`); the
 * WHATWG constructor (browsers, Workers, Node 22+) ignores it.
 */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: { headers?: Record<string, string> },
) => WebSocketLike;

/**
 * How the stream authenticates:
 * - `"subprotocol"`: `["fluxgate.v1", "fluxgate.credential.<secret>"]` (works everywhere, the only
 *   choice in browsers);
 * - `"header"`: `Authorization: Bearer <secret>` (needs a constructor that takes headers, e.g. `ws`);
 * - `"auto"` (default): header with an injected constructor, subprotocol with the global one.
 */
export type StreamAuthentication = "auto" | "header" | "subprotocol";

export const STREAM_SUBPROTOCOL = "fluxgate.v1";
export const CREDENTIAL_SUBPROTOCOL_PREFIX = "fluxgate.credential.";

export interface WebSocketSetup {
  url: string;
  protocols: string[];
  headers?: Record<string, string>;
  construct: WebSocketConstructor;
}

export function webSocketSetup(
  baseUrl: string,
  credential: string,
  injected: WebSocketConstructor | undefined,
  authentication: StreamAuthentication,
): WebSocketSetup {
  const construct = injected ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!construct) {
    throw new FluxGateError(
      "CONFIGURATION",
      "no WebSocket implementation: on Node 20 pass one, e.g. `import WebSocket from \"ws\"` and `webSocket: WebSocket`",
    );
  }
  const url = streamUrl(baseUrl);
  const useHeader = authentication === "header" || (authentication === "auto" && injected !== undefined);
  if (useHeader) return { url, protocols: [], headers: { Authorization: `Bearer ${credential}` }, construct };
  return { url, protocols: [STREAM_SUBPROTOCOL, CREDENTIAL_SUBPROTOCOL_PREFIX + credential], construct };
}

/** http(s)://host[/prefix] -> ws(s)://host[/prefix]/v1/stream */
export function streamUrl(baseUrl: string): string {
  const url = new URL(baseUrl.replace(/\/+$/, "") + STREAM_PATH);
  if (url.protocol === "http:") url.protocol = "ws:";
  else if (url.protocol === "https:") url.protocol = "wss:";
  return url.toString();
}

/** A frame's text (the `ws` package may hand over a Buffer for binary frames). */
export function frameText(data: unknown): string | undefined {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return new TextDecoder().decode(data as ArrayBuffer);
  return undefined;
}
