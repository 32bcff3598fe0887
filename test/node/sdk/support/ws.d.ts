// The slice of the `ws` package (present in node_modules through miniflare, without bundled
// types) that the SDK tests use as an in-process WebSocket peer and as an injected client.
declare module "ws" {
  import type { IncomingMessage, Server } from "node:http";
  export default class WebSocket {
    constructor(url: string, protocols?: string | string[], options?: { headers?: Record<string, string> });
    readonly readyState: number;
    readonly protocol: string;
    onopen: ((event: unknown) => void) | null;
    onmessage: ((event: { data: unknown }) => void) | null;
    onclose: ((event: { code: number; reason: string }) => void) | null;
    onerror: ((event: unknown) => void) | null;
    send(data: string): void;
    close(code?: number, reason?: string): void;
    terminate(): void;
    on(event: "message", listener: (data: Buffer, isBinary: boolean) => void): this;
    on(event: "close", listener: (code: number, reason: Buffer) => void): this;
  }
  export class WebSocketServer {
    constructor(options: {
      server?: Server;
      noServer?: boolean;
      handleProtocols?: (protocols: Set<string>, request: IncomingMessage) => string | false;
    });
    on(event: "connection", listener: (socket: WebSocket, request: IncomingMessage) => void): this;
    handleUpgrade(request: IncomingMessage, socket: import("node:stream").Duplex, head: Buffer, callback: (socket: WebSocket) => void): void;
    close(callback?: () => void): void;
  }
}
