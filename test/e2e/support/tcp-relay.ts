// A loopback TCP relay 127.0.0.1:port -> a target, which a test or benchmark can cut (stop
// listening and drop every connection) and restore on the same address: a network outage between
// an SDK and the stack. Used by test/e2e/sdk-offline.test.ts and scripts/bench-sdk-recovery.ts.
import { createServer, connect, type Server, type Socket } from "node:net";

export class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(readonly port: number, private readonly target: () => URL) {}

  async up(): Promise<void> {
    const server = createServer((inbound) => {
      const { hostname, port } = this.target();
      const outbound = connect(Number(port), hostname);
      for (const s of [inbound, outbound]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => s.destroy());
      }
      inbound.pipe(outbound).pipe(inbound);
      inbound.on("close", () => outbound.destroy());
      outbound.on("close", () => inbound.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.server = server;
  }

  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
