// The Worker's public operations, described once with the zod schemas that validate them. The
// document at /openapi.json is generated from these route definitions.
import { createRoute, z } from "@hono/zod-openapi";
import { requestSchemaRef } from "./request-components";
import {
  EvaluateResultSchema, FluxGateErrorSchema, HealthSchema, OfrepBulkSuccessSchema, OfrepErrorSchema,
  OfrepEvaluationFailureSchema, OfrepEvaluationSuccessSchema, OfrepFlagNotFoundSchema,
} from "./response-schemas";
import { HEARTBEAT_MS, RETRY_MS } from "../data/ofrep-sse-stream";
import { AUTH_FAILURE_LIMIT, AUTH_FAILURE_WINDOW_MS } from "../data/auth-throttle";
import { MAX_COUNTS_BODY_BYTES } from "../analytics/evaluation-counts-request";
import { MAX_TRACK_BODY_BYTES } from "../analytics/track-request";
import { CREDENTIAL_SUBPROTOCOL_PREFIX, STREAM_PATH, STREAM_SUBPROTOCOL } from "../../../protocol/stream";

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
    body: { required: true, content: { "application/json": { schema: requestSchemaRef("OfrepEvaluationRequest") } } },
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
    body: { required: true, content: { "application/json": { schema: requestSchemaRef("OfrepEvaluationRequest") } } },
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
  request: { body: { required: true, content: { "application/json": { schema: requestSchemaRef("EvaluateRequest") } } } },
  responses: {
    200: json(EvaluateResultSchema, "The evaluated flag."),
    400: {
      description: "Request problems as FluxGateError (PARSE_ERROR, INVALID_REQUEST, INVALID_CONTEXT, " +
        "with `path`), or an evaluation error as EvaluateResult (TARGETING_KEY_MISSING, INVALID_CONTEXT, GENERAL).",
      content: { "application/json": { schema: z.union([FluxGateErrorSchema, EvaluateResultSchema]) } },
    },
    404: json(EvaluateResultSchema, "errorCode FLAG_NOT_FOUND."),
    ...fluxgateRequestErrors,
    403: json(FluxGateErrorSchema, "FORBIDDEN: client disabled, or a browser origin the client does not allow. " +
      "ENVIRONMENT_MISMATCH: the context names (environment_id, environmentId, environment_key or environmentKey) " +
      "another environment than the credential's; the message names the credential's environment key and id."),
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

// ---- Analytics ingestion and live delivery ---------------------------------------------------

const AcceptedSchema = z.object({
  accepted: z.number().int().min(0).openapi({ description: "How many entries were accepted." }),
}).openapi("Accepted", { example: { accepted: 1 } });

/** The errors of an ingestion route (no snapshot is loaded, so no 503). */
const ingestErrors = (maxBodyBytes: number) => ({
  400: json(FluxGateErrorSchema, "INVALID_REQUEST with the `path` of the offending field (the message starts " +
    "with it), or PARSE_ERROR (body not JSON)."),
  401: fluxgateRequestErrors[401],
  403: json(FluxGateErrorSchema, "FORBIDDEN: client disabled, or a browser origin the client does not allow."),
  413: json(FluxGateErrorSchema, `PAYLOAD_TOO_LARGE: body over ${maxBodyBytes / 1024} KiB.`),
  415: fluxgateRequestErrors[415],
  429: fluxgateRequestErrors[429],
  500: fluxgateRequestErrors[500],
});

export const evaluationCountsRoute = createRoute({
  method: "post",
  path: "/v1/evaluation-counts",
  operationId: "reportEvaluationCounts",
  tags: ["Analytics"],
  summary: "Report how often an SDK evaluated each flag locally (counted in the client's environment)",
  security,
  request: { body: { required: true, content: { "application/json": { schema: requestSchemaRef("EvaluationCountsRequest") } } } },
  responses: {
    202: json(AcceptedSchema, "The counts are stored durably (by the location relay) and reach the evaluation " +
      "rollups within seconds; an empty `counts` is accepted (0)."),
    ...ingestErrors(MAX_COUNTS_BODY_BYTES),
    503: json(FluxGateErrorSchema, "COUNTS_UNAVAILABLE: the counts could not be stored right now; send them again " +
      "after Retry-After."),
  },
});

export const trackRoute = createRoute({
  method: "post",
  path: "/v1/track",
  operationId: "trackMetricEvents",
  tags: ["Analytics"],
  summary: "Record metric events (conversions, values, durations) for experiments",
  description: "Metrics are looked up by key in the client's team; the events are stored in the client's " +
    "environment. A metric key the team does not have, or a value its metric type refuses, is 400 " +
    "INVALID_REQUEST naming the event, and nothing of the request is stored.",
  security,
  request: { body: { required: true, content: { "application/json": { schema: requestSchemaRef("TrackRequest") } } } },
  responses: {
    202: json(AcceptedSchema, "Every event was stored."),
    ...ingestErrors(MAX_TRACK_BODY_BYTES),
  },
});

export const streamRoute = createRoute({
  method: "get",
  path: STREAM_PATH,
  operationId: "openFlagStream",
  tags: ["Delivery"],
  summary: "Live delivery of the environment's flag set over a WebSocket (local evaluation)",
  description: "A WebSocket upgrade held by the environment's Durable Object. After the upgrade the client " +
    "sends `{\"type\":\"hello\",\"protocol\":1}` (with `since` when it holds a snapshot) and receives a " +
    "`snapshot`, `current` or the missed `delta`s, then one `delta` per published version; it acknowledges " +
    "with `ack`, asks again with `resync`, and keeps the connection alive with the text frame `ping`. The " +
    "messages and close codes are typed in `protocol/stream.ts` and described in docs/DELIVERY.md " +
    "(section \"Live delivery (WebSocket)\").\n\n" +
    "Credentials: a client secret (the client's own environment is streamed; web clients only from an " +
    "allowed origin, server clients not from a browser), or a user's access token or automation token with " +
    "`?environment=`. Either as `Authorization: Bearer`, `X-API-Key`, or, from browsers (which cannot set " +
    `headers on a WebSocket), as the subprotocol list \`${STREAM_SUBPROTOCOL}, ${CREDENTIAL_SUBPROTOCOL_PREFIX}<secret>\`. ` +
    "Errors before the upgrade are JSON.",
  security: [...security, { SubprotocolAuth: [] }],
  request: {
    query: z.object({
      environment: z.string().optional().openapi({
        description: "The environment id to stream: required with a user or automation token; with a client " +
          "secret optional, and it must then be the client's own.",
        example: "00000000-0000-4000-8000-0000000000e1",
      }),
    }),
    headers: z.object({
      Upgrade: z.literal("websocket").openapi({ description: "A WebSocket upgrade (426 otherwise)." }),
      "Sec-WebSocket-Protocol": z.string().optional().openapi({
        description: `Browsers: \`${STREAM_SUBPROTOCOL}, ${CREDENTIAL_SUBPROTOCOL_PREFIX}<secret>\` (the secret is ` +
          `removed before the Durable Object sees the request; the answer names ${STREAM_SUBPROTOCOL}).`,
      }),
    }),
  },
  responses: {
    101: {
      description: "Switching Protocols: the WebSocket is open; see the description for its messages.",
      headers: z.object({
        Upgrade: z.literal("websocket"),
        "Sec-WebSocket-Protocol": z.string().optional().openapi({
          description: `${STREAM_SUBPROTOCOL} when the client offered subprotocols.`,
        }),
      }),
    },
    400: json(FluxGateErrorSchema, "INVALID_REQUEST: a user or automation token without `?environment=` (path `environment`)."),
    401: json(FluxGateErrorSchema, "UNAUTHORIZED: no credential, an unknown client secret, an invalid or expired token."),
    403: json(FluxGateErrorSchema, "FORBIDDEN: client disabled, a browser origin the client does not allow, a " +
      "server client from a browser, a client asking for another environment, a user outside the " +
      "environment's team, a pending password change."),
    404: json(FluxGateErrorSchema, "NOT_FOUND: no environment with the `environment` id (user tokens)."),
    426: {
      ...json(FluxGateErrorSchema, "UPGRADE_REQUIRED: not a WebSocket upgrade."),
      headers: z.object({ Upgrade: z.literal("websocket") }),
    },
    429: tooManyRequests(FluxGateErrorSchema),
    500: fluxgateRequestErrors[500],
  },
});

export const documentedRoutes = [
  ofrepFlagRoute, ofrepBulkRoute, ofrepEventsRoute, evaluateRoute, evaluationCountsRoute, trackRoute, streamRoute,
  healthRoute, pingRoute,
];
