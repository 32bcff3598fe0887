// OFREP core endpoints (OpenFeature Remote Evaluation Protocol v0.3.0):
//   POST /ofrep/v1/evaluate/flags/{key}  single flag, per-request context (server providers)
//   POST /ofrep/v1/evaluate/flags        all flags, with an ETag over the body (client providers)
// Hot path: auth (memory), snapshot (memory), evaluate, JSON.stringify. The bulk response offers
// `eventStreams` (the environment's SSE stream, ofrep-sse-route.ts), so providers need not poll.
import { Hono, type Context } from "hono";
import type { ClientRecord } from "../../../protocol/delivery";
import { preflightResponse } from "./cors";
import { bodyEtag, etagMatches } from "./etag";
import { withClient } from "./request-guard";
import type { DataPlane } from "./hono-env";
import { jsonTextResponse } from "./json-response";
import { eventStreamsFor } from "./ofrep-sse-auth";
import { readOfrepContext } from "./request-body";
import { evaluateOfrepFlag, evaluateOfrepFlags } from "./ofrep-evaluation";
import { eventStreamKey } from "./settings";

export const OFREP_FLAG_PATH = "/ofrep/v1/evaluate/flags/:key";
export const OFREP_BULK_PATH = "/ofrep/v1/evaluate/flags";

export const ofrepRoutes = new Hono<DataPlane>();

async function evaluateOne(c: Context<DataPlane>, client: ClientRecord, key: string): Promise<Response> {
  const context = await readOfrepContext(c.req.raw);
  const { status, body } = await evaluateOfrepFlag(c.env, c.executionCtx, client, key, context, "ofrep");
  return jsonTextResponse(JSON.stringify(body), status);
}

async function evaluateBulk(c: Context<DataPlane>, client: ClientRecord): Promise<Response> {
  const context = await readOfrepContext(c.req.raw);
  const { flags, metadata, version } = await evaluateOfrepFlags(
    c.env, c.executionCtx, client, context, "ofrep-bulk", announcedVersion(c.req.url));
  const eventStreams = await eventStreamsFor(c.req.url, eventStreamKey(c.env), client, Date.now(), version);
  const body = JSON.stringify(eventStreams.length > 0 ? { flags, metadata, eventStreams } : { flags, metadata });
  const etag = await bodyEtag(body);
  if (etagMatches(c.req.header("If-None-Match") ?? null, etag)) {
    return new Response(null, { status: 304, headers: { ETag: etag } });
  }
  return jsonTextResponse(body, 200, { ETag: etag });
}

/**
 * The version an event-stream notice announced (`etag` of refetchEvaluation, which providers send
 * back as ?flagConfigEtag=): the notice can beat this isolate's snapshot revalidation, and a
 * refetch answered from the older snapshot would be a 304 that hides the change.
 */
function announcedVersion(url: string): number | undefined {
  const at = url.indexOf("flagConfigEtag=");
  if (at < 0) return undefined;
  const value = Number(new URL(url).searchParams.get("flagConfigEtag"));
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

ofrepRoutes.post(OFREP_FLAG_PATH, (c) => withClient(c, "ofrep", c.req.param("key"), evaluateOne));
ofrepRoutes.post(OFREP_BULK_PATH, (c) => withClient(c, "ofrep", undefined, evaluateBulk));

for (const path of [OFREP_FLAG_PATH, OFREP_BULK_PATH]) {
  ofrepRoutes.options(path, (c) => preflightResponse(c.req.header("Origin") ?? null));
}
