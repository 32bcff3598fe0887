// The live-delivery stream (protocol/stream.ts) as seen by an SDK: one WebSocket to GET /v1/stream,
// a document that only ever advances through verified steps, and reconnects with jittered backoff.
//
// Invariants: a delta is applied only on top of the exact version it starts from (applyDelta) and
// its result is served only if its content hash matches (flagSetContentHash); otherwise the client
// asks for a snapshot (`resync`). Frames are handled one at a time, in order (hash checks are async).
// After TERMINAL_CLOSE_CODES, or when the server refuses the credential, it never reconnects.
import type { FlagSetDocument } from "../../engine/types";
import { applyDelta, DeltaGapError, flagSetContentHash } from "../../protocol/flag-set-delta";
import {
  CLOSE_CODES, PING, PONG, STREAM_PROTOCOL_VERSION, TERMINAL_CLOSE_CODES,
  type ClientMessage, type DeltaMessage, type ServerMessage, type StreamErrorCode,
} from "../../protocol/stream";
import { backoffDelay, type BackoffOptions } from "./backoff";
import { changedFlags } from "./changed-flags";
import { isFlagSetDocument, sameSnapshot, snapshotId } from "./document";
import { Emitter } from "./emitter";
import { FluxGateError } from "./errors";
import { silentLogger, type FluxGateLogger } from "./logger";
import { SnapshotParts } from "./snapshot-parts";
import { refusalOf } from "./refusal";
import { SDK_NAME } from "./version";
import { browserWakeSignals, type WakeSignals } from "./wake-signals";
import { frameText, webSocketSetup, type StreamAuthentication, type WebSocketConstructor, type WebSocketLike } from "./websocket";

export interface StreamClientOptions {
  /** The FluxGate Worker, e.g. `https://flags.example.com` (http(s); ws(s) is derived). */
  baseUrl: string;
  /** The client secret (server or web client). */
  credential: string;
  /** A WebSocket constructor; required on Node 20 (e.g. the `ws` package), optional elsewhere. */
  webSocket?: WebSocketConstructor;
  /** How the credential is sent; see {@link StreamAuthentication}. Default `"auto"`. */
  authentication?: StreamAuthentication;
  /** Keep-alive PING period. Default 30,000 ms. */
  pingIntervalMs?: number;
  /** A connection that received nothing (not even a PONG) for this long is dropped and reopened. Default 75,000 ms. */
  livenessTimeoutMs?: number;
  /** Reconnect backoff. Default 500 ms doubling up to 5,000 ms, with jitter (each wait is half to all of the step). */
  reconnect?: BackoffOptions;
  /**
   * Hints that the network may be back, on which a waiting client reconnects at once. Default in
   * browsers: the window's `online` event and the page becoming visible; elsewhere none. `false` turns them off.
   */
  wakeSignals?: WakeSignals | false;
  /** fetch used to tell a refused credential from a network failure when a connection cannot open. */
  fetch?: typeof fetch;
  logger?: FluxGateLogger;
  /** For tests: the jitter source. */
  random?: () => number;
}

/** A new document the client now holds. */
export interface StreamUpdate {
  document: FlagSetDocument;
  /** Flags that changed (or may evaluate differently) compared with the previous document. */
  flagsChanged: string[];
  /** How it arrived. */
  via: "snapshot" | "delta";
}

export interface StreamClientEvents extends Record<string, unknown> {
  /** A verified new document. */
  update: StreamUpdate;
  /** The server confirmed the held document is current (after connect, snapshot or delta). */
  confirmed: { version: number; contentHash: string };
  /** The connection closed (or could not open); the client reconnects unless `terminal` follows. */
  disconnected: { code: number; reason: string };
  /** The client stopped for good (credential refused or revoked, environment deleted). */
  terminal: FluxGateError;
}

// Short and capped: a client should be back within seconds of the server answering again, and the
// jitter (half of each step random) spreads a fleet's reconnects after a deploy.
export const DEFAULT_RECONNECT: BackoffOptions = { initialMs: 500, maxMs: 5_000 };
const TERMINAL_ERRORS: Partial<Record<StreamErrorCode, FluxGateError["code"]>> = {
  CREDENTIAL_REVOKED: "CREDENTIAL_REVOKED",
  ENVIRONMENT_DELETED: "ENVIRONMENT_DELETED",
};

export class StreamClient {
  readonly events: Emitter<StreamClientEvents>;
  private document: FlagSetDocument | undefined;
  private socket: WebSocketLike | undefined;
  private opened = false;
  private attempt = 0;
  private stopped = false;
  private lastFrameAt = 0;
  private lastServerError: StreamErrorCode | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private queue: Promise<void> = Promise.resolve();
  private unsubscribeWake: (() => void) | undefined;
  private readonly parts = new SnapshotParts();
  private readonly logger: FluxGateLogger;

  constructor(private readonly options: StreamClientOptions, initial?: FlagSetDocument) {
    this.document = initial;
    this.logger = options.logger ?? silentLogger;
    this.events = new Emitter((error) => this.logger.error("fluxgate: a stream listener threw", error));
  }

  /** The document held now (initial, snapshot or the latest verified delta). */
  get current(): FlagSetDocument | undefined {
    return this.document;
  }

  /** True while a socket is open and has been answered. */
  get connected(): boolean {
    return this.socket !== undefined && this.opened;
  }

  /** Sets the document to resume from (a stored snapshot) when none is held yet; call before start(). */
  resumeFrom(document: FlagSetDocument): void {
    if (!this.document) this.document = document;
  }

  /** Opens the stream (idempotent). Throws FluxGateError CONFIGURATION without a WebSocket implementation. */
  start(): void {
    if (this.stopped) throw new FluxGateError("CLOSED", "the stream client was stopped");
    if (this.socket || this.reconnectTimer) return;
    const wake = this.options.wakeSignals === undefined ? browserWakeSignals() : this.options.wakeSignals || undefined;
    this.unsubscribeWake ??= wake?.subscribe(() => this.wake());
    this.open();
  }

  /** The network may be back: a client waiting to reconnect tries now, with a fresh backoff. */
  private wake(): void {
    if (this.stopped || !this.reconnectTimer) return;
    clearTimeout(this.reconnectTimer);
    this.attempt = 0;
    this.reconnectNow();
  }

  /** Closes the stream for good. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.unsubscribeWake?.();
    this.dropSocket(1000, "client closed");
  }

  private open(): void {
    this.reconnectTimer = undefined;
    const setup = webSocketSetup(this.options.baseUrl, this.options.credential, this.options.webSocket, this.options.authentication ?? "auto");
    const socket = setup.headers
      ? new setup.construct(setup.url, setup.protocols, { headers: setup.headers })
      : new setup.construct(setup.url, setup.protocols);
    this.socket = socket;
    this.opened = false;
    this.lastServerError = undefined;
    this.parts.reset();
    socket.onopen = () => {
      if (socket !== this.socket) return;
      this.opened = true;
      this.lastFrameAt = Date.now();
      const since = this.document ? snapshotId(this.document) : undefined;
      this.send({ type: "hello", protocol: STREAM_PROTOCOL_VERSION, sdk: SDK_NAME, ...(since ? { since } : {}) });
      this.startPing(socket);
    };
    socket.onmessage = (event) => {
      if (socket !== this.socket) return;
      this.lastFrameAt = Date.now();
      const text = frameText(event.data);
      if (text === undefined || text === PONG) return;
      this.queue = this.queue
        .then(() => (socket === this.socket ? this.handle(text) : undefined))
        .catch((error: unknown) => {
          this.logger.warn("fluxgate: stream frame refused, asking for a snapshot", error);
          this.send({ type: "resync" });
        });
    };
    socket.onerror = () => {
      // After open, a close event follows and decides. Before open, some implementations (Node's
      // undici on a refused upgrade) report only the error and never close: treat it as the close.
      if (socket !== this.socket || this.opened) return;
      this.dropSocket(1000, "connection failed");
      this.afterClose(1006, "connection failed");
    };
    socket.onclose = (event) => {
      if (socket !== this.socket) return;
      this.afterClose(event.code, event.reason);
    };
  }

  private async handle(text: string): Promise<void> {
    const message = JSON.parse(text) as ServerMessage;
    switch (message.type) {
      case "snapshot":
        if (!isFlagSetDocument(message.document)) throw new Error("snapshot frame without a valid document");
        this.accept(message.document, "snapshot", undefined);
        return;
      case "snapshot_part": {
        const document = this.parts.add(message);
        if (document) this.accept(document, "snapshot", undefined);
        return;
      }
      case "current":
        if (sameSnapshot(this.document && snapshotId(this.document), message)) this.confirm();
        else this.send({ type: "resync" });
        return;
      case "delta":
        await this.applyDelta(message);
        return;
      case "error":
        this.lastServerError = message.code;
        this.logger.warn(`fluxgate: stream error ${message.code}: ${message.message}`);
        return;
      case "event":
        return;
      default:
        throw new Error(`unknown stream message type ${(message as { type?: unknown }).type}`);
    }
  }

  private async applyDelta(delta: DeltaMessage): Promise<void> {
    const held = this.document;
    if (!held) {
      this.send({ type: "resync" });
      return;
    }
    // A delta for a version we already hold (a replay) changes nothing.
    if (delta.version <= held.version) return;
    let next: FlagSetDocument;
    try {
      next = applyDelta(held, delta);
    } catch (error) {
      if (!(error instanceof DeltaGapError)) throw error;
      this.logger.warn(`fluxgate: ${error.message}; asking for a snapshot`);
      this.send({ type: "resync" });
      return;
    }
    const hash = await flagSetContentHash(next);
    if (hash !== delta.contentHash) {
      this.logger.warn(`fluxgate: content hash mismatch after delta ${delta.fromVersion}->${delta.version}; asking for a snapshot`);
      this.send({ type: "resync" });
      return;
    }
    if (this.document !== held) return; // a snapshot replaced the base meanwhile
    this.accept(next, "delta", held);
  }

  private accept(document: FlagSetDocument, via: StreamUpdate["via"], base: FlagSetDocument | undefined): void {
    const previous = via === "delta" ? base : this.document;
    if (via === "snapshot" && sameSnapshot(previous && snapshotId(previous), snapshotId(document))) {
      this.confirm();
      return;
    }
    this.document = document;
    this.send({ type: "ack", version: document.version });
    this.events.emit("update", { document, flagsChanged: changedFlags(previous, document), via });
    this.confirm();
  }

  private confirm(): void {
    this.attempt = 0; // a working exchange resets the backoff
    const held = this.document;
    if (held) this.events.emit("confirmed", snapshotId(held));
  }

  private send(message: ClientMessage | typeof PING): void {
    const socket = this.socket;
    if (!socket || !this.opened || socket.readyState !== 1) return;
    try {
      socket.send(typeof message === "string" ? message : JSON.stringify(message));
    } catch (error) {
      this.logger.warn("fluxgate: stream send failed", error);
    }
  }

  private startPing(socket: WebSocketLike): void {
    clearInterval(this.pingTimer);
    const every = this.options.pingIntervalMs ?? 30_000;
    const liveness = this.options.livenessTimeoutMs ?? 75_000;
    this.pingTimer = setInterval(() => {
      if (socket !== this.socket) return;
      if (Date.now() - this.lastFrameAt > liveness) {
        this.dropSocket(4000, "no frame within the liveness timeout");
        this.afterClose(1006, "liveness timeout");
        return;
      }
      this.send(PING);
    }, every);
  }

  /** Detaches and closes the current socket without waiting for its closing handshake. */
  private dropSocket(code: number, reason: string): void {
    clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    this.opened = false;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = null;
    // Not null: `ws` emits "error" when closed while still connecting, and an unheard EventEmitter
    // error throws (it crashed Node apps that closed the client right after start).
    socket.onerror = () => {};
    try {
      socket.close(code, reason);
    } catch {
      // already closed
    }
  }

  private afterClose(code: number, reason: string): void {
    const wasOpened = this.opened;
    clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    this.socket = undefined;
    this.opened = false;
    if (this.stopped) return;
    this.events.emit("disconnected", { code, reason });
    if (TERMINAL_CLOSE_CODES.has(code)) {
      const fromMessage = this.lastServerError && TERMINAL_ERRORS[this.lastServerError];
      const errorCode = fromMessage ?? (code === CLOSE_CODES.CREDENTIAL_REVOKED ? "CREDENTIAL_REVOKED" : "ENVIRONMENT_DELETED");
      this.terminate(new FluxGateError(errorCode, `the stream closed with ${code} ${reason}`.trim()));
      return;
    }
    if (!wasOpened) {
      // A refused upgrade looks like a network failure to a WebSocket (browsers hide its status and
      // body): ask OFREP with the same credential (and, in a browser, the same Origin) whether it
      // is refused. Its refusal is readable by the page and names the problem.
      void this.refusal().then((refused) => {
        if (this.stopped) return;
        if (refused !== undefined) this.terminate(refused);
        else this.scheduleReconnect();
      });
      return;
    }
    this.scheduleReconnect();
  }

  private terminate(error: FluxGateError): void {
    this.stopped = true;
    this.unsubscribeWake?.();
    this.events.emit("terminal", error);
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = backoffDelay(this.attempt, this.options.reconnect ?? DEFAULT_RECONNECT, this.options.random);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => this.reconnectNow(), delay);
  }

  private reconnectNow(): void {
    this.reconnectTimer = undefined;
    try {
      this.open();
    } catch (error) {
      this.terminate(error instanceof FluxGateError ? error : new FluxGateError("CONFIGURATION", String(error)));
    }
  }

  /** The terminal error if OFREP refuses the credential (401/403), else undefined. */
  private async refusal(): Promise<FluxGateError | undefined> {
    const fetchImpl = this.options.fetch ?? globalThis.fetch;
    try {
      return await refusalOf(await fetchImpl(`${this.options.baseUrl.replace(/\/+$/, "")}/ofrep/v1/evaluate/flags`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${this.options.credential}` },
        body: JSON.stringify({ context: {} }),
        signal: AbortSignal.timeout(5_000),
      }));
    } catch {
      return undefined;
    }
  }
}
