// POST /v1/evaluation-counts: an SDK reports how often it evaluated each flag locally. Client
// credential as for OFREP (Authorization: Bearer <secret> or X-API-Key); the client's environment is
// the one counted. The counts go to Analytics Engine (non-blocking) and, as one CountBatch (client =
// the credential's, every evaluation a cache hit: the SDK evaluated from its local snapshot), to
// this isolate's location relay, which stores them durably before the answer 202 {"accepted": n};
// from there they reach D1 like the Worker's own counts (docs/ANALYTICS.md).
import { Hono, type Context } from "hono";
import type { ClientRecord } from "../../../protocol/delivery";
import { preflightResponse } from "../data/cors";
import { methodNotAllowed } from "../data/errors";
import type { DataPlane } from "../data/hono-env";
import { jsonResponse } from "../data/json-response";
import { readJsonBody } from "../data/limits";
import { errorResponse, withClient } from "../data/request-guard";
import { MAX_COUNTS_BODY_BYTES, parseEvaluationCounts } from "./evaluation-counts-request";
import { serverCounter } from "./server-counts";
import { handOverCounts } from "../data/snapshot-cache";
import { evaluationSink, foldCounts } from "./sink";

export const EVALUATION_COUNTS_PATH = "/v1/evaluation-counts";

async function ingest(c: Context<DataPlane>, client: ClientRecord): Promise<Response> {
  const body = await readJsonBody(c.req.raw, MAX_COUNTS_BODY_BYTES);
  const report = parseEvaluationCounts(body, client.environmentId, Date.now());
  if (report.counts.length > 0) {
    evaluationSink(c.env.EVALS)?.write(foldCounts(report.counts, "sdk", report.sdk));
    const rows = report.counts.map((r) => ({
      minute: r.minute, flagKey: r.flagKey, variant: r.variant ?? "", reason: r.reason, clientId: client.clientId, count: r.count, cacheHits: r.count,
    }));
    // A report id makes a resent report (its first answer lost) the same batch, which the relay
    // acknowledges without adding again; it is scoped by client so clients cannot collide.
    const id = report.reportId === null
      ? `${serverCounter.isolateId}:sdk:${crypto.randomUUID()}`
      : `sdk:${client.clientId}:${report.reportId}`;
    await handOverCounts(c.env, client.environmentId, { id, environmentId: client.environmentId, rows });
  }
  return jsonResponse({ accepted: report.counts.length }, 202);
}

export const evaluationCountsRoute = new Hono<DataPlane>();
evaluationCountsRoute.post(EVALUATION_COUNTS_PATH, (c) => withClient(c, "fluxgate", undefined, ingest));
evaluationCountsRoute.options(EVALUATION_COUNTS_PATH, (c) => preflightResponse(c.req.header("Origin") ?? null));
evaluationCountsRoute.all(EVALUATION_COUNTS_PATH, () => errorResponse(methodNotAllowed("POST, OPTIONS"), "fluxgate"));
