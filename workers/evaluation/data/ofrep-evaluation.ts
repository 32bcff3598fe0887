// OFREP evaluation for an authenticated client, whatever carried the request: the HTTP routes
// (ofrep-routes.ts) and the RPC entrypoint (flags-entrypoint.ts) both call these, so the snapshot
// lookup, the engine call, the counting and the result shapes exist once.
import { evaluateAll, evaluateFlag } from "../../../engine/core";
import type { EvaluationContext, Metadata } from "../../../engine/types";
import type { ClientRecord } from "../../../protocol/delivery";
import { countServerEvaluations, type ServerRoute } from "../analytics/server-counts";
import type { Env } from "../../env";
import { evaluationStatus, ofrepBulkFlag, ofrepFlag } from "./result-shapes";
import { snapshotFor, type Background } from "./snapshot-cache";

export interface OfrepFlagAnswer {
  status: 200 | 400 | 404;
  body: Record<string, unknown>;
}

export async function evaluateOfrepFlag(
  env: Env, ctx: Background, client: ClientRecord, key: string, context: EvaluationContext, route: ServerRoute,
): Promise<OfrepFlagAnswer> {
  const { compiled, stale, cacheHit } = await snapshotFor(env, ctx, client.environmentId);
  const result = evaluateFlag(compiled, key, context);
  countServerEvaluations(env, client.environmentId, client.clientId, cacheHit, result, route);
  return { status: evaluationStatus(result), body: ofrepFlag(result, stale) };
}

export interface OfrepBulkAnswer {
  flags: Record<string, unknown>[];
  metadata: Metadata;
  version: number;
}

export async function evaluateOfrepFlags(
  env: Env, ctx: Background, client: ClientRecord, context: EvaluationContext, route: ServerRoute, atLeastVersion?: number,
): Promise<OfrepBulkAnswer> {
  const { compiled, stale, cacheHit } = await snapshotFor(env, ctx, client.environmentId, atLeastVersion);
  const results = evaluateAll(compiled, context);
  countServerEvaluations(env, client.environmentId, client.clientId, cacheHit, results, route);
  // Per-flag metadata is content-derived (ofrepBulkFlag); the set's version and staleness are here.
  const metadata: Metadata = { flagSetVersion: compiled.version, environment: compiled.environment.key };
  if (stale) metadata.stale = true;
  return { flags: results.map(ofrepBulkFlag), metadata, version: compiled.version };
}
