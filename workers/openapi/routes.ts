// The Worker's public operations, described once with the zod schemas that validate them. The
// document at /openapi.json is generated from these route definitions.
import { createRoute, z } from "@hono/zod-openapi";
import {
  EvaluateRequestSchema, EvaluateResultSchema, FluxGateErrorSchema, HealthSchema,
  OfrepBulkSuccessSchema, OfrepErrorSchema, OfrepEvaluationFailureSchema, OfrepEvaluationRequestSchema,
  OfrepEvaluationSuccessSchema, OfrepFlagNotFoundSchema,
} from "./schemas";
import { HEARTBEAT_MS, RETRY_MS } from "../data/ofrep-sse-stream";
import { AUTH_FAILURE_LIMIT, AUTH_FAILURE_WINDOW_MS } from "../data/auth-throttle";

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

const security: Record<string, string[]>[] = [{ BearerAuth: [] }, { ApiKeyAuth: [] }];

const TOO_MANY_REQUESTS =
  `TOO_MANY_REQUESTS: more than ${AUTH_FAILURE_LIMIT} unknown credentials from this client address ` +
  `(IPv6: its /64) within ${AUTH_FAILURE_WINDOW_MS / 1000} s. Until the oldest of them is ` +
  `${AUTH_FAILURE_WINDOW_MS / 1000} s old, credentials this server has not recently verified are refused ` +
  "unchecked; clients it has verified are unaffected. Counted per server instance, so approximate. " +
  "A missing credential is never throttled (401).";

const retryAfter = z.object({
  "Retry-After": z.number().int().min(1).max(AUTH_FAILURE_WINDOW_MS / 1000).openapi({
    description: "Seconds to wait before trying again (OFREP's integer form).",
    example: 42,
  }),
});

const tooManyRequests = <T extends z.ZodType>(schema: T) => ({ ...json(schema, TOO_MANY_REQUESTS), headers: retryAfter });

const ofrepRequestErrors = {
  401: json(OfrepErrorSchema, "UNAUTHORIZED: credential missing or unknown."),
  403: json(OfrepErrorSchema, "FORBIDDEN: client disabled, or a browser origin the client does not allow."),
  413: json(OfrepErrorSchema, "PAYLOAD_TOO_LARGE: body over 64 KiB."),
  415: json(OfrepErrorSchema, "UNSUPPORTED_MEDIA_TYPE: a Content-Type other than JSON (none is read as JSON)."),
  429: tooManyRequests(OfrepErrorSchema),
  500: json(OfrepErrorSchema, "GENERAL: unexpected server error (no internals disclosed)."),
  503: json(OfrepErrorSchema, "SNAPSHOT_UNAVAILABLE: the environment's snapshot could not be loaded yet."),
};

const fluxgateRequestErrors = {
  401: json(FluxGateErrorSchema, "UNAUTHORIZED"),
  403: json(FluxGateErrorSchema, "FORBIDDEN"),
  413: json(FluxGateErrorSchema, "PAYLOAD_TOO_LARGE"),
  415: json(FluxGateErrorSchema, "UNSUPPORTED_MEDIA_TYPE"),
  429: tooManyRequests(FluxGateErrorSchema),
  500: json(FluxGateErrorSchema, "GENERAL"),
  503: json(FluxGateErrorSchema, "SNAPSHOT_UNAVAILABLE"),
};

export const ofrepFlagRoute = createRoute({
  method: "post",
  path: "/ofrep/v1/evaluate/flags/{key}",
  operationId: "evaluateFlag",
  tags: ["OFREP"],
  summary: "Evaluate one flag (OFREP)",
  security,
  request: {
    params: z.object({ key: z.string().openapi({ example: "BetaUsers" }) }),
    body: { required: true, content: { "application/json": { schema: OfrepEvaluationRequestSchema } } },
  },
  responses: {
    200: json(OfrepEvaluationSuccessSchema, "The evaluated flag."),
    400: json(OfrepEvaluationFailureSchema,
      "PARSE_ERROR (body not JSON / not an object), INVALID_CONTEXT, TARGETING_KEY_MISSING, GENERAL."),
    404: json(OfrepFlagNotFoundSchema, "FLAG_NOT_FOUND."),
    ...ofrepRequestErrors,
  },
});

export const ofrepBulkRoute = createRoute({
  method: "post",
  path: "/ofrep/v1/evaluate/flags",
  operationId: "evaluateFlagsBulk",
  tags: ["OFREP"],
  summary: "Evaluate every flag of the client's environment (OFREP)",
  security,
  request: {
    headers: z.object({
      "If-None-Match": z.string().optional().openapi({
        description: "ETag of a previous response; 304 when the response would be identical.",
      }),
    }),
    body: { required: true, content: { "application/json": { schema: OfrepEvaluationRequestSchema } } },
  },
  responses: {
    200: {
      ...json(OfrepBulkSuccessSchema, "All flags; per-flag failures appear inside `flags`."),
      headers: z.object({ ETag: z.string().openapi({ description: "Hash of this exact response body." }) }),
    },
    304: { description: "Not Modified: If-None-Match names the current ETag. No body." },
    400: json(OfrepErrorSchema, "PARSE_ERROR or INVALID_CONTEXT for the whole request."),
    ...ofrepRequestErrors,
  },
});

export const ofrepEventsRoute = createRoute({
  method: "get",
  path: "/ofrep/v1/events",
  operationId: "ofrepEventStream",
  tags: ["OFREP"],
  summary: "The environment's change notifications (OFREP event stream, Server-Sent Events)",
  description: "Connect to the `eventStreams[].url` of a bulk evaluation response (do not build the URL). " +
    "The stream opens with `retry: " + RETRY_MS + "` and an `id: <version>` line, then sends, on every new " +
    "snapshot version, `event: message`, `id: <version>`, `data: {\"type\":\"refetchEvaluation\"}`: re-run the " +
    "bulk evaluation. Reconnecting with `Last-Event-ID` (EventSource does it) yields an immediate " +
    "refetchEvaluation when the version moved meanwhile. Comment lines every " + HEARTBEAT_MS / 1000 + " s " +
    "keep proxies from closing it. It ends when the client is disabled, rotated or deleted.",
  request: {
    query: z.object({
      token: z.string().openapi({ description: "The token from the eventStreams URL." }),
      v: z.string().optional().openapi({
        description: "The snapshot version the URL was issued at: a first connection (no Last-Event-ID) " +
          "gets refetchEvaluation at once when the version moved since.",
      }),
    }),
    headers: z.object({
      "Last-Event-ID": z.string().optional().openapi({ description: "The last `id` received (set by EventSource on reconnect)." }),
    }),
  },
  responses: {
    200: {
      description: "An endless text/event-stream (see the description for its frames).",
      content: { "text/event-stream": { schema: z.string().openapi({ example: "event: message\nid: 8\ndata: {\"type\":\"refetchEvaluation\"}\n\n" }) } },
    },
    401: json(OfrepErrorSchema, "UNAUTHORIZED: token missing, malformed, expired, or no longer valid for the client (rotated/deleted)."),
    403: json(OfrepErrorSchema, "FORBIDDEN: client disabled, or a browser origin the client does not allow."),
    500: json(OfrepErrorSchema, "GENERAL: unexpected server error (no internals disclosed)."),
  },
});

export const evaluateRoute = createRoute({
  method: "post",
  path: "/evaluate",
  operationId: "evaluate",
  tags: ["FluxGate"],
  summary: "Evaluate one flag (FluxGate shape; `bucketingKey` accepted as alias of `targetingKey`)",
  security,
  request: { body: { required: true, content: { "application/json": { schema: EvaluateRequestSchema } } } },
  responses: {
    200: json(EvaluateResultSchema, "The evaluated flag."),
    400: {
      description: "Request problems as FluxGateError (PARSE_ERROR, INVALID_REQUEST, INVALID_CONTEXT, " +
        "with `path`), or an evaluation error as EvaluateResult (TARGETING_KEY_MISSING, INVALID_CONTEXT, GENERAL).",
      content: { "application/json": { schema: z.union([FluxGateErrorSchema, EvaluateResultSchema]) } },
    },
    404: json(EvaluateResultSchema, "errorCode FLAG_NOT_FOUND."),
    ...fluxgateRequestErrors,
  },
});

export const healthRoute = createRoute({
  method: "get",
  path: "/health",
  operationId: "health",
  tags: ["Operations"],
  summary: "Snapshots this isolate holds and whether they are fresh",
  responses: { 200: json(HealthSchema, "Always 200 while the Worker runs; `status` says degraded when stale.") },
});

export const pingRoute = createRoute({
  method: "get",
  path: "/ping",
  operationId: "ping",
  tags: ["Operations"],
  summary: "No-op liveness probe (the HTTP benchmark's baseline)",
  responses: { 200: { description: "Plain text `pong`.", content: { "text/plain": { schema: z.string() } } } },
});

export const documentedRoutes = [ofrepFlagRoute, ofrepBulkRoute, ofrepEventsRoute, evaluateRoute, healthRoute, pingRoute];
