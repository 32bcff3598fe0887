// A test's end of a WebSocket: frames queue up in order and are taken one at a time with a
// timeout, and the close (code, reason) is observable. Used on sockets returned by
// exports.default.fetch (SDK streams) or stub.fetch (events sockets).
import type { ServerMessage } from "../../../../protocol/stream";

export interface Closed {
  code: number;
  reason: string;
}

export class SocketClient {
  private readonly frames: string[] = [];
  private waiter: (() => void) | null = null;
  closedWith: Closed | null = null;
  readonly closed: Promise<Closed>;

  constructor(readonly ws: WebSocket) {
    let resolveClosed!: (value: Closed) => void;
    this.closed = new Promise((resolve) => (resolveClosed = resolve));
    ws.accept();
    ws.addEventListener("message", (event) => {
      this.frames.push(typeof event.data === "string" ? event.data : "<binary>");
      this.wake();
    });
    ws.addEventListener("close", (event) => {
      this.closedWith = { code: event.code, reason: event.reason };
      resolveClosed(this.closedWith);
      this.wake();
    });
  }

  /** Opens from a 101 response (fails the test with the body otherwise). */
  static async from(response: Response): Promise<SocketClient> {
    if (response.status !== 101 || !response.webSocket) {
      throw new Error(`expected 101 with a WebSocket, got ${response.status}: ${await response.text()}`);
    }
    return new SocketClient(response.webSocket);
  }

  send(message: unknown): void {
    this.ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** The next frame, parsed; rejects when none arrives within `timeoutMs` or the socket closed. */
  async next<T extends ServerMessage = ServerMessage>(timeoutMs = 2000): Promise<T> {
    return JSON.parse(await this.nextText(timeoutMs)) as T;
  }

  async nextText(timeoutMs = 2000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0) {
      if (this.closedWith) throw new Error(`socket closed (${this.closedWith.code} ${this.closedWith.reason}) with no frame pending`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.frames.shift()!;
  }

  /** Frames received and not yet taken. */
  pending(): number {
    return this.frames.length;
  }

  /** Resolves with the close, or rejects after `timeoutMs`. */
  async closeFrame(timeoutMs = 2000): Promise<Closed> {
    return Promise.race([
      this.closed,
      new Promise<Closed>((_, reject) => setTimeout(() => reject(new Error(`not closed within ${timeoutMs} ms`)), timeoutMs)),
    ]);
  }

  close(): void {
    try {
      this.ws.close(1000, "done");
    } catch {
      // already closed
    }
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }
}
