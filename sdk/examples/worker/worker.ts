// Worker example: local evaluation with @fluxgate/sdk on Cloudflare Workers.
//
// A Worker request may not keep I/O (the stream's WebSocket) alive for later requests, so the
// long-lived FluxGateLocalClient lives in a Durable Object: it holds the stream (global
// WebSocket, credential in the subprotocol list), keeps the compiled snapshot in memory, and
// evaluates in-process; the Worker forwards requests to it. No call to FluxGate per evaluation.
import { DurableObject } from "cloudflare:workers";
import { FluxGateLocalClient, type EvaluationContext } from "../../src/index";

interface Env {
  FLUXGATE_URL: string;
  FLUXGATE_SECRET: string;
  FLAGS: DurableObjectNamespace<FlagsHolder>;
}

export class FlagsHolder extends DurableObject<Env> {
  private client: FluxGateLocalClient | undefined;

  private async flags(): Promise<FluxGateLocalClient> {
    if (!this.client) {
      this.client = new FluxGateLocalClient({ baseUrl: this.env.FLUXGATE_URL, credential: this.env.FLUXGATE_SECRET });
    }
    await this.client.start(); // resolves at once after the first snapshot
    return this.client;
  }

  /** GET /?flag=<key>&user=<targetingKey>&<attribute>=<value>...: one local evaluation as JSON. */
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const flag = url.searchParams.get("flag") ?? "homepage_layout";
    const context: EvaluationContext = { targetingKey: url.searchParams.get("user") ?? "anonymous" };
    for (const [name, value] of url.searchParams) if (name !== "flag" && name !== "user") context[name] = value;
    const client = await this.flags();
    return Response.json({ ...client.evaluate(flag, context), snapshotVersion: client.version });
  }
}

export default {
  // One object holds the stream for this Worker; it could equally be one per region or per tenant.
  fetch: (request: Request, env: Env) => env.FLAGS.getByName("flags").fetch(request),
} satisfies ExportedHandler<Env>;
