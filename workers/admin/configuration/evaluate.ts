// "Test this context" for signed-in users: evaluates a feature (or every feature) of an environment
// for a given context and answers exactly what OFREP would answer a client of that environment. It
// evaluates the environment's published snapshot, taken from its Durable Object (the document
// evaluation serves, not a re-derivation from D1), with the engine, and renders the result with the
// OFREP shapes of workers/evaluation/data/result-shapes.ts.
import { z } from "zod";
import { compileFlagSet, evaluateAll, evaluateFlag } from "../../../engine";
import type { EvaluationContext, EvaluationResult, FlagSetDocument, JsonValue } from "../../../engine/types";
import { evaluationStatus, ofrepFlag } from "../../evaluation/data/result-shapes";
import { ANY_TEAM_ROLE, authorizeEntity, type Principal } from "../identity/authz";
import type { ControlDeps } from "../core/deps";
import { parseInput } from "../core/validation";

/** The environment's published snapshot (its Durable Object's getSnapshot). */
export type SnapshotSource = (environmentId: string) => Promise<FlagSetDocument>;

/** The largest context accepted, as for OFREP requests (64 KiB of JSON). */
export const MAX_CONTEXT_BYTES = 64 * 1024;

const contextSchema = z.looseObject({
  targetingKey: z.string({ error: "must be a string" }).optional(),
}, { error: "must be a JSON object" }).refine(
  (context) => new TextEncoder().encode(JSON.stringify(context)).length <= MAX_CONTEXT_BYTES,
  `must be at most ${MAX_CONTEXT_BYTES} bytes of JSON`,
);

const singleInput = z.object({
  environmentId: z.string().min(1),
  featureKey: z.string().min(1, "is required").max(200),
  context: contextSchema,
}).strict();

const bulkInput = singleInput.omit({ featureKey: true });

/** One flag as OFREP renders it, plus the HTTP status OFREP's single-flag endpoint would use. */
export interface AdminEvaluation {
  key: string;
  /** 200 success, 404 FLAG_NOT_FOUND, 400 other errors (OFREP's single-flag status). */
  httpStatus: number;
  value: JsonValue | null;
  variant: string | null;
  reason: string | null;
  errorCode: string | null;
  errorDetails: string | null;
  metadata: JsonValue;
}

export interface AdminEvaluations {
  environmentId: string;
  /** The snapshot evaluated (its version, as in every result's metadata.flagSetVersion). */
  flagSetVersion: number;
  flags: AdminEvaluation[];
}

function render(result: EvaluationResult): AdminEvaluation {
  const body = ofrepFlag(result, false) as Record<string, JsonValue | undefined>;
  return {
    key: result.key, httpStatus: evaluationStatus(result),
    value: body.value ?? null, variant: (body.variant as string | undefined) ?? null, reason: (body.reason as string | undefined) ?? null,
    errorCode: (body.errorCode as string | undefined) ?? null, errorDetails: (body.errorDetails as string | undefined) ?? null,
    metadata: body.metadata ?? {},
  };
}

/** Any member of the environment's team. */
export async function evaluateFeatureAsAdmin(deps: ControlDeps, principal: Principal, snapshots: SnapshotSource, raw: unknown): Promise<AdminEvaluation> {
  const input = parseInput(singleInput, raw, "");
  await authorizeEntity(deps, principal, "environment", input.environmentId, ANY_TEAM_ROLE);
  const set = compileFlagSet(await snapshots(input.environmentId));
  return render(evaluateFlag(set, input.featureKey, input.context as EvaluationContext));
}

/** Every flag of the snapshot, as OFREP's bulk evaluation lists them. Any member of the environment's team. */
export async function evaluateFeaturesAsAdmin(deps: ControlDeps, principal: Principal, snapshots: SnapshotSource, raw: unknown): Promise<AdminEvaluations> {
  const input = parseInput(bulkInput, raw, "");
  await authorizeEntity(deps, principal, "environment", input.environmentId, ANY_TEAM_ROLE);
  const document = await snapshots(input.environmentId);
  const set = compileFlagSet(document);
  return { environmentId: input.environmentId, flagSetVersion: document.version, flags: evaluateAll(set, input.context as EvaluationContext).map(render) };
}
