// The evaluation API's request schemas: the routes validate request bodies with them, and
// /openapi.json is generated from the same objects (document.ts, at build time). The response
// schemas, which only the document needs, are in response-schemas.ts, so the Worker does not
// build them at startup; these are built on first use for the same reason: each is a function that
// returns one schema object, the same object on every call (docs/BENCHMARKS.md "Worker size and
// startup").
// Shapes follow the OFREP spec (shared reference: ofrep-openapi.yaml, v0.3.0).
import * as z from "zod/mini";
import { documented } from "./documented";
import { REASON_NAME_SETS } from "../data/reason-names";

/** `build()` on the first call; its result on every call. */
const onFirstUse = <T>(build: () => T) => {
  let built: T | undefined;
  return () => (built ??= build());
};

const contextError = (issue: { input: unknown }) =>
  issue.input === undefined
    ? 'context is required: send {"context": {"targetingKey": "<user id>", ...attributes}}'
    : "context must be a JSON object";

// ---- OFREP -------------------------------------------------------------------------------------

export const ofrepContextSchema = onFirstUse(() => documented(z.looseObject(
  {
    targetingKey: documented(z.optional(z.string({ error: "must be a string" })), {
      description: "The subject's id. Flags that bucket (rollouts, splits) answer TARGETING_KEY_MISSING " +
        "without it; other flags evaluate without it.",
    }),
  },
  { error: contextError },
), {
  id: "OfrepContext",
  description: "Evaluation context: targetingKey plus any attributes (strings, numbers, booleans, " +
    "string arrays, nested objects addressed by dotted path).",
  example: { targetingKey: "user-123", role: "admin", email: "ada@acme.test" },
}));

export const ofrepEvaluationRequestSchema = onFirstUse(() => documented(
  z.object({ context: ofrepContextSchema() }, { error: () => 'request body must be a JSON object: {"context": {...}}' }),
  { id: "OfrepEvaluationRequest" },
));

// ---- FluxGate's own evaluation API ------------------------------------------------------------

export const evaluateContextSchema = onFirstUse(() => documented(z.looseObject(
  {
    targetingKey: z.optional(z.string({ error: "must be a string" })),
    bucketingKey: documented(z.optional(z.string({ error: "must be a string" })), { description: "Alias of targetingKey." }),
  },
  { error: () => "context must be a JSON object" },
), { id: "EvaluateContext", example: { bucketingKey: "user-42", plan: "pro" } }));

export const evaluateRequestSchema = onFirstUse(() => documented(z.object(
  {
    flagKey: z.string({ error: "flagKey is required and must be a string" })
      .check(z.minLength(1, { error: "flagKey must not be empty" })),
    context: documented(z.optional(evaluateContextSchema()), {
      description: "Defaults to {}. `environment_id` / `environmentId` / `environment_key` / `environmentKey`, when "
        + "present, must name the credential's environment (its id or key), else 403 ENVIRONMENT_MISMATCH.",
    }),
    reasonNames: documented(z.optional(z.enum(REASON_NAME_SETS, { error: `reasonNames must be one of ${REASON_NAME_SETS.join(", ")}` })), {
      description: "`openfeature` (default): OFREP's reason names. `original`: the original FluxGate's, "
        + "TARGETED_MATCH for TARGETING_MATCH and SPLIT.",
    }),
  },
  { error: () => 'request body must be a JSON object: {"flagKey": "...", "context": {...}}' },
), { id: "EvaluateRequest", example: { flagKey: "max_upload_mb", context: { targetingKey: "user-1", plan: "pro" } } }));
