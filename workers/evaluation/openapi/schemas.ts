// The evaluation API's request schemas: the routes validate request bodies with them, and
// /openapi.json is generated from the same objects (document.ts, at build time). The response
// schemas, which only the document needs, are in response-schemas.ts, so the Worker does not
// build them at startup (docs/BENCHMARKS.md "Worker size and startup").
// Shapes follow the OFREP spec (shared reference: ofrep-openapi.yaml, v0.3.0).
import * as z from "zod";

const contextError = (issue: { input: unknown }) =>
  issue.input === undefined
    ? 'context is required: send {"context": {"targetingKey": "<user id>", ...attributes}}'
    : "context must be a JSON object";

// ---- OFREP -------------------------------------------------------------------------------------

export const OfrepContextSchema = z
  .looseObject(
    {
      targetingKey: z.string({ error: "must be a string" }).optional().meta({
        description: "The subject's id. Flags that bucket (rollouts, splits) answer TARGETING_KEY_MISSING " +
          "without it; other flags evaluate without it.",
      }),
    },
    { error: contextError },
  )
  .meta({ id: "OfrepContext", 
    description: "Evaluation context: targetingKey plus any attributes (strings, numbers, booleans, " +
      "string arrays, nested objects addressed by dotted path).",
    example: { targetingKey: "user-123", role: "admin", email: "ada@acme.test" },
  });

export const OfrepEvaluationRequestSchema = z
  .object({ context: OfrepContextSchema }, { error: () => 'request body must be a JSON object: {"context": {...}}' })
  .meta({ id: "OfrepEvaluationRequest" });

// ---- FluxGate's own evaluation API ------------------------------------------------------------

export const EvaluateContextSchema = z
  .looseObject(
    {
      targetingKey: z.string({ error: "must be a string" }).optional(),
      bucketingKey: z.string({ error: "must be a string" }).optional().meta({ description: "Alias of targetingKey." }),
    },
    { error: () => "context must be a JSON object" },
  )
  .meta({ id: "EvaluateContext",  example: { bucketingKey: "user-42", plan: "pro" } });

export const EvaluateRequestSchema = z
  .object(
    {
      flagKey: z.string({ error: "flagKey is required and must be a string" })
        .min(1, { error: "flagKey must not be empty" }),
      context: EvaluateContextSchema.optional().meta({ description: "Defaults to {}." }),
    },
    { error: () => 'request body must be a JSON object: {"flagKey": "...", "context": {...}}' },
  )
  .meta({ id: "EvaluateRequest",  example: { flagKey: "max_upload_mb", context: { targetingKey: "user-1", plan: "pro" } } });
