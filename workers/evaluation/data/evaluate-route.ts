// FluxGate's own evaluation endpoint: POST /evaluate {flagKey, context} -> one result object, from
// the same engine call as OFREP. Status: 200, 404 FLAG_NOT_FOUND, 400 for other evaluation errors;
// request problems answer {error: {code, message, path?}}.
import { Hono, type Context } from "hono";
import { evaluateFlag } from "../../../engine";
import type { ClientRecord } from "../../../protocol/delivery";
import { preflightResponse } from "./cors";
import type { DataPlane } from "./hono-env";
import { jsonTextResponse } from "./json-response";
import { withClient } from "./request-guard";
import { readEvaluateRequest } from "./request-body";
import { evaluationStatus, fluxgateResult } from "./result-shapes";
import { snapshotFor } from "./snapshot-cache";
import { countServerEvaluations } from "../analytics/server-counts";

export const EVALUATE_PATH = "/evaluate";

export const evaluateRoute = new Hono<DataPlane>();

async function evaluate(c: Context<DataPlane>, client: ClientRecord): Promise<Response> {
  const { flagKey, context } = await readEvaluateRequest(c.req.raw);
  const { compiled, stale } = await snapshotFor(c.env, c.executionCtx, client.environmentId);
  const result = evaluateFlag(compiled, flagKey, context);
  countServerEvaluations(c.env, c.executionCtx, client.environmentId, result, "evaluate");
  return jsonTextResponse(JSON.stringify(fluxgateResult(result, stale)), evaluationStatus(result));
}

evaluateRoute.post(EVALUATE_PATH, (c) => withClient(c, "fluxgate", undefined, evaluate));
evaluateRoute.options(EVALUATE_PATH, (c) => preflightResponse(c.req.header("Origin") ?? null));
