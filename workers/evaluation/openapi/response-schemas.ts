// The evaluation API's response schemas, for /openapi.json only (document.ts builds the document
// at build time; the Worker never loads this module). Request schemas: schemas.ts.
// Shapes follow the OFREP spec (shared reference: ofrep-openapi.yaml, v0.3.0).
import * as z from "zod";

const primitive = z.union([z.string(), z.number(), z.boolean()]);

export const MetadataSchema = z.record(z.string(), primitive).meta({ id: "Metadata", 
  description: "Primitive values only. Single-flag results always carry `flagSetVersion` (in a bulk " +
    "answer it is only in the top-level metadata, so an unchanged flag's metadata never changes); `ruleId` and " +
    "`rulePriority` when a rule won, `failedPrerequisite` when a prerequisite blocked the flag, and " +
    "`stale: true` when the snapshot could not be confirmed by its Durable Object (unreachable, or no " +
    "answer within a short wait) for SNAPSHOT_STALE_AFTER_MS (fail static).",
  example: { flagSetVersion: 7, ruleId: "r-admins", rulePriority: 0 },
});

/** A flag value of any type; absent when the client should use its code default. */
export const FlagValueSchema = z
  .union([z.boolean(), z.string(), z.number(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
  .meta({ id: "FlagValue", 
    description: "The evaluated value: boolean, string, number or JSON. Absent when the flag is off and " +
      "has no off value: the caller's code default applies (OFREP codeDefaultFlag).",
  });

const ofrepReason = z
  .enum(["STATIC", "DEFAULT", "TARGETING_MATCH", "SPLIT", "DISABLED", "UNKNOWN"])
  .meta({
    description: "OpenFeature resolution reason. DEFAULT (no rule matched) is a standard OpenFeature " +
      "reason that OFREP's enum omits; OFREP providers pass reasons through unchanged.",
  });

export const OfrepEvaluationSuccessSchema = z
  .object({
    key: z.string(),
    value: FlagValueSchema.optional(),
    reason: ofrepReason,
    variant: z.string().optional(),
    metadata: MetadataSchema,
  })
  .meta({ id: "OfrepEvaluationSuccess", 
    example: { key: "BetaUsers", value: true, reason: "TARGETING_MATCH", variant: "on",
      metadata: { flagSetVersion: 3, ruleId: "r1", rulePriority: 0 } },
  });

export const OfrepEvaluationFailureSchema = z
  .object({
    key: z.string(),
    errorCode: z.enum(["PARSE_ERROR", "TARGETING_KEY_MISSING", "INVALID_CONTEXT", "GENERAL"]),
    errorDetails: z.string().optional(),
    metadata: MetadataSchema.optional(),
  })
  .meta({ id: "OfrepEvaluationFailure" });

export const OfrepFlagNotFoundSchema = z
  .object({
    key: z.string(),
    errorCode: z.literal("FLAG_NOT_FOUND"),
    errorDetails: z.string().optional(),
    metadata: MetadataSchema.optional(),
  })
  .meta({ id: "OfrepFlagNotFound" });

export const OfrepEventStreamSchema = z
  .object({
    type: z.literal("sse").meta({ description: "The push mechanism; only `sse` is defined." }),
    url: z.url().meta({
      description: "Absolute URL of the environment's SSE stream (GET /ofrep/v1/events) with a signed, " +
        "short-lived token for this client in its query (EventSource cannot send headers; the token is not " +
        "the client secret, expires after 24-25 h, and stops working when the client is rotated, deleted or " +
        "disabled). Treat it as sensitive: do not log it.",
      example: "https://flags.example.com/ofrep/v1/events?token=<environment>.<client>.<expiry>.<signature>",
    }),
    inactivityDelaySec: z.number().int().min(1).meta({
      description: "Seconds of client inactivity (hidden tab) after which the provider closes the stream.",
      example: 120,
    }),
  })
  .meta({ id: "OfrepEventStream",  description: "OFREP eventStream: a real-time change notification connection." });

export const OfrepBulkSuccessSchema = z
  .object({
    flags: z.array(z.union([OfrepEvaluationSuccessSchema, OfrepEvaluationFailureSchema])),
    metadata: MetadataSchema.meta({
      description: "Flag-set metadata: `flagSetVersion`, `environment` (key), and `stale` when stale. " +
        "Each flag's own metadata is content-derived (no version, no staleness), so a flag that did not " +
        "change serialises identically across versions and providers' flagsChanged names only changed flags.",
    }),
    eventStreams: z.array(OfrepEventStreamSchema).optional().meta({
      description: "Where to listen for changes instead of polling (absent when the server has no signing key).",
    }),
  })
  .meta({ id: "OfrepBulkEvaluationSuccess" });

export const OfrepErrorSchema = z
  .object({
    errorCode: z.string().meta({
      description: "PARSE_ERROR / INVALID_CONTEXT (400), UNAUTHORIZED (401), FORBIDDEN (403), " +
        "METHOD_NOT_ALLOWED (405), PAYLOAD_TOO_LARGE (413), UNSUPPORTED_MEDIA_TYPE (415), " +
        "TOO_MANY_REQUESTS (429), GENERAL (500), SNAPSHOT_UNAVAILABLE (503).",
    }),
    errorDetails: z.string().optional(),
  })
  .meta({ id: "OfrepError",  description: "OFREP bulkEvaluationFailure / generalErrorResponse shape." });

// ---- FluxGate's own evaluation API ------------------------------------------------------------

export const EvaluateResultSchema = z
  .object({
    flagKey: z.string(),
    value: FlagValueSchema.optional(),
    variant: z.string().optional(),
    reason: z.enum(["STATIC", "DEFAULT", "TARGETING_MATCH", "SPLIT", "DISABLED", "ERROR", "TARGETED_MATCH"]).openapi({
      description: "TARGETED_MATCH only with reasonNames: original.",
    }),
    errorCode: z.enum(["FLAG_NOT_FOUND", "PARSE_ERROR", "TARGETING_KEY_MISSING", "INVALID_CONTEXT", "GENERAL"]).optional(),
    errorDetails: z.string().optional(),
    metadata: MetadataSchema,
  })
  .meta({ id: "EvaluateResult", 
    description: "200 on success; 404 with errorCode FLAG_NOT_FOUND; 400 with the other error codes.",
    example: { flagKey: "max_upload_mb", value: 100, variant: "pro", reason: "TARGETING_MATCH",
      metadata: { flagSetVersion: 3, ruleId: "r1", rulePriority: 0 } },
  });

export const FluxGateErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({
        description: "PARSE_ERROR, INVALID_REQUEST, INVALID_CONTEXT (400), UNAUTHORIZED (401), " +
          "FORBIDDEN, ENVIRONMENT_MISMATCH (403), NOT_FOUND (404), METHOD_NOT_ALLOWED (405), PAYLOAD_TOO_LARGE (413), " +
          "UNSUPPORTED_MEDIA_TYPE (415), TOO_MANY_REQUESTS (429), GENERAL (500), SNAPSHOT_UNAVAILABLE (503).",
      }),
      message: z.string().meta({ description: "What went wrong and how to fix it." }),
      path: z.string().optional().meta({ description: "Dotted path of the offending body field." }),
    }),
  })
  .meta({ id: "FluxGateError", 
    example: { error: { code: "INVALID_REQUEST", message: "flagKey is required and must be a string", path: "flagKey" } },
  });

// ---- Operations --------------------------------------------------------------------------------

export const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]).meta({
      description: "degraded when any snapshot this isolate holds is stale.",
    }),
    isolate: z.object({
      snapshotRevalidateMs: z.number(),
      snapshotStaleAfterMs: z.number(),
    }),
    environments: z.array(z.object({
      id: z.string(),
      key: z.string(),
      version: z.number(),
      source: z.enum(["kv", "do"]),
      ageMs: z.number().meta({ description: "Milliseconds since the Durable Object last confirmed this snapshot." }),
      stale: z.boolean(),
      durableObjectReachable: z.boolean(),
      lastError: z.string().nullable(),
    })),
  })
  .meta({ id: "Health" });
