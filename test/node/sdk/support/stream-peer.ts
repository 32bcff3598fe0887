// A real in-process WebSocket peer on 127.0.0.1 speaking the stream protocol's server side under
// the test's control: it records each connection's handshake (subprotocols, Authorization) and
// every frame received, and the test sends frames or closes with a code. Plain HTTP requests
// (the SDK's OFREP credential probe, count uploads) get the status the test configures.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import WebSocket, { WebSocketServer } from "ws";
import type { ClientMessage, ServerMessage } from "../../../../protocol/stream";

export interface PeerConnection {
  socket: WebSocket;
  protocols: string[];
  authorization: string | undefined;
  /** Parsed JSON frames, and raw text frames (e.g. "ping") as strings. */
  received: (ClientMessage | string)[];
  closed: boolean;
  send(message: ServerMessage): void;
  close(code: number, reason?: string): void;
}

export interface StreamPeer {
  readonly baseUrl: string;
  readonly connections: PeerConnection[];
  /** When set, upgrades are refused with this status (as the hub does for a bad credential). */
  refuseUpgradeWith: number | undefined;
  /** Status of plain HTTP requests (POST /ofrep/..., /v1/evaluation-counts). */
  httpStatus: number;
  readonly httpRequests: { method: string; url: string; authorization: string | undefined; body: string }[];
  nextConnection(timeoutMs?: number): Promise<PeerConnection>;
  stop(): Promise<void>;
}

export async function startStreamPeer(): Promise<StreamPeer> {
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      peer.httpRequests.push({ method: request.method ?? "", url: request.url ?? "", authorization: request.headers.authorization, body });
      response.writeHead(peer.httpStatus, { "Content-Type": "application/json" });
      response.end(JSON.stringify(peer.httpStatus < 300 ? { flags: [] } : { errorCode: "GENERAL" }));
    });
  });
  const wss = new WebSocketServer({
    noServer: true,
    // Answer "fluxgate.v1" when offered, as the hub does.
    handleProtocols: (protocols) => (protocols.has("fluxgate.v1") ? "fluxgate.v1" : false),
  });
  const waiting: ((c: PeerConnection) => void)[] = [];
  const sockets = new Set<import("node:stream").Duplex>();

  server.on("upgrade", (request: IncomingMessage, socket, head: Buffer) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    if (peer.refuseUpgradeWith !== undefined) {
      socket.end(`HTTP/1.1 ${peer.refuseUpgradeWith} Refused\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const header = request.headers["sec-websocket-protocol"];
      const connection: PeerConnection = {
        socket: ws,
        protocols: header ? header.split(",").map((p) => p.trim()) : [],
        authorization: request.headers.authorization,
        received: [],
        closed: false,
        send: (message) => ws.send(JSON.stringify(message)),
        close: (code, reason) => ws.close(code, reason),
      };
      ws.on("message", (data) => {
        const text = data.toString("utf8");
        try {
          connection.received.push(JSON.parse(text) as ClientMessage);
        } catch {
          connection.received.push(text);
        }
      });
      ws.on("close", () => (connection.closed = true));
      peer.connections.push(connection);
      waiting.shift()?.(connection);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  let seen = 0;
  const peer: StreamPeer = {
    baseUrl: `http://127.0.0.1:${port}`,
    connections: [],
    refuseUpgradeWith: undefined,
    httpStatus: 200,
    httpRequests: [],
    nextConnection(timeoutMs = 5_000) {
      const index = seen++;
      const existing = peer.connections[index];
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no connection #${index + 1} within ${timeoutMs} ms`)), timeoutMs);
        waiting.push((c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
    },
    async stop() {
      for (const c of peer.connections) c.socket.terminate();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return peer;
}

/** Polls until `probe` returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
