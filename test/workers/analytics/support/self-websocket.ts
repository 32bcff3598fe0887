// A browser-like WebSocket class whose connections go to this test Worker (exports.default.fetch
// with Upgrade: websocket) instead of the network, so graphql-ws's real createClient can run
// against /graphql inside workerd: `createClient({ url, webSocketImpl: SelfWebSocket })`.
import { exports } from "cloudflare:workers";

type Listener = ((event: any) => void) | null;

/** Sockets still open: afterEach closes them, so a failed test cannot hold one into the next. */
const open = new Set<SelfWebSocket>();

export function closeOpenSockets(): void {
  for (const socket of open) socket.close(1000, "test over");
}

export class SelfWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readyState = SelfWebSocket.CONNECTING;
  protocol = "";
  onopen: Listener = null;
  onmessage: Listener = null;
  onclose: Listener = null;
  onerror: Listener = null;
  private socket: WebSocket | null = null;

  constructor(url: string, protocols?: string | string[]) {
    open.add(this);
    const offered = Array.isArray(protocols) ? protocols.join(", ") : protocols ?? "";
    void (async () => {
      const response = await exports.default.fetch(url.replace(/^ws/, "http"), {
        headers: { upgrade: "websocket", "sec-websocket-protocol": offered },
      });
      const socket = response.webSocket;
      if (!socket) {
        this.readyState = SelfWebSocket.CLOSED;
        this.onerror?.(new Error(`upgrade refused: ${response.status} ${await response.text()}`));
        this.onclose?.({ code: 1006, reason: `HTTP ${response.status}`, wasClean: false });
        return;
      }
      this.socket = socket;
      this.protocol = response.headers.get("sec-websocket-protocol") ?? "";
      socket.accept();
      socket.addEventListener("message", (event) => this.onmessage?.({ data: event.data }));
      socket.addEventListener("close", (event) => {
        this.readyState = SelfWebSocket.CLOSED;
        open.delete(this);
        this.onclose?.({ code: event.code, reason: event.reason, wasClean: event.wasClean });
      });
      this.readyState = SelfWebSocket.OPEN;
      this.onopen?.({});
    })();
  }

  send(data: string): void {
    this.socket?.send(data);
  }

  close(code = 1000, reason = ""): void {
    if (this.readyState >= SelfWebSocket.CLOSING) return;
    this.readyState = SelfWebSocket.CLOSING;
    open.delete(this);
    try {
      this.socket?.close(code, reason);
    } catch {
      // already closed by the server
    }
    this.readyState = SelfWebSocket.CLOSED;
    this.onclose?.({ code, reason, wasClean: true });
  }
}
