// FluxGate's own evaluation endpoint: POST /evaluate {flagKey, context, reasonNames?} -> one result
// object, from the same engine call as OFREP. Status: 200, 404 FLAG_NOT_FOUND, 400 for other
// evaluation errors; request problems answer {error: {code, message, path?}}, among them 403
// ENVIRONMENT_MISMATCH for a context naming another environment than the credential's.
import { Hono, type Context } from "hono";
import { evaluateFlag } from "../../../engine/core";
import type { ClientRecord } from "../../../protocol/delivery";
import { preflightResponse } from "./cors";
import type { DataPlane } from "./hono-env";
import { jsonTextResponse } from "./json-response";
import { withClient } from "./request-guard";
import { readEvaluateRequest } from "./request-body";
import { assertContextEnvironment } from "./environment-claim";
import { evaluationStatus, fluxgateResult } from "./result-shapes";
import { snapshotFor } from "./snapshot-cache";
import { countServerEvaluations } from "../analytics/server-counts";

export const EVALUATE_PATH = "/evaluate";

export const evaluateRoute = new Hono<DataPlane>();

async function evaluate(c: Context<DataPlane>, client: ClientRecord): Promise<Response> {
  const { flagKey, context, reasonNames } = await readEvaluateRequest(c.req.raw);
  const { compiled, stale, cacheHit } = await snapshotFor(c.env, c.executionCtx, client.environmentId);
  assertContextEnvironment(context, { id: client.environmentId, key: compiled.environment.key });
  const result = evaluateFlag(compiled, flagKey, context);
  countServerEvaluations(c.env, client.environmentId, client.clientId, cacheHit, result, "evaluate");
  return jsonTextResponse(JSON.stringify(fluxgateResult(result, stale, reasonNames)), evaluationStatus(result));
}

evaluateRoute.post(EVALUATE_PATH, (c) => withClient(c, "fluxgate", undefined, evaluate));
evaluateRoute.options(EVALUATE_PATH, (c) => preflightResponse(c.req.header("Origin") ?? null));
