// Request bodies of the evaluation routes: read within limits, then validated with the same zod
// schemas that document them in /openapi.json. Each problem becomes a typed 400 naming the field.
// The schemas' module (and zod with it) loads on the first body to validate, not at the isolate's
// startup: zod was about a sixth of the bundle's startup work (docs/BENCHMARKS.md "Worker size and
// startup"); once loaded, validation runs without an await.
import type * as z from "zod/mini";
import type { EvaluationContext } from "../../../engine/types";
import type * as Schemas from "../openapi/schemas";
import { ApiError, parseError } from "./errors";
import { readJsonBody } from "./limits";
import type { ReasonNames } from "./reason-names";

function firstIssue(error: z.core.$ZodError): { path: string; message: string } {
  const issue = error.issues[0]!;
  return { path: issue.path.map(String).join("."), message: issue.message };
}

let schemas: typeof Schemas | undefined;
let loading: Promise<typeof Schemas> | undefined;

/** The request schemas, loaded once per isolate (a failed load is tried again by the next request). */
function requestSchemas(): typeof Schemas | Promise<typeof Schemas> {
  return schemas ?? (loading ??= import("../openapi/schemas").then(
    (loaded) => (schemas = loaded),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  ));
}

/** "context.targetingKey: must be a string"; a message about the context itself stands alone. */
const describe = (path: string, message: string) => (path === "context" ? message : `${path}: ${message}`);

/** OFREP `{context}`: a body that is not an object is PARSE_ERROR, a bad context INVALID_CONTEXT. */
export async function readOfrepContext(request: Request): Promise<EvaluationContext> {
  const body = await readJsonBody(request);
  return ofrepContext(schemas ?? await requestSchemas(), body);
}

/** The same checks on a body already parsed (the RPC entrypoint's `{context}`). */
export async function parseOfrepRequest(body: unknown): Promise<EvaluationContext> {
  return ofrepContext(schemas ?? await requestSchemas(), body);
}

function ofrepContext(loaded: typeof Schemas, body: unknown): EvaluationContext {
  const parsed = loaded.ofrepEvaluationRequestSchema().safeParse(body);
  if (parsed.success) return parsed.data.context;
  const { path, message } = firstIssue(parsed.error);
  if (path === "") throw parseError(message);
  throw new ApiError(400, "INVALID_CONTEXT", describe(path, message), path);
}

export interface EvaluateRequest {
  flagKey: string;
  context: EvaluationContext;
  reasonNames: ReasonNames;
}

/** FluxGate `{flagKey, context?, reasonNames?}`: INVALID_REQUEST for the envelope, INVALID_CONTEXT for the context. */
export async function readEvaluateRequest(request: Request): Promise<EvaluateRequest> {
  const body = await readJsonBody(request);
  const parsed = (schemas ?? await requestSchemas()).evaluateRequestSchema().safeParse(body);
  if (parsed.success) {
    const { flagKey, context = {}, reasonNames = "openfeature" } = parsed.data;
    return { flagKey, context, reasonNames };
  }
  const { path, message } = firstIssue(parsed.error);
  if (path === "context" || path.startsWith("context.")) {
    throw new ApiError(400, "INVALID_CONTEXT", describe(path, message), path);
  }
  throw new ApiError(400, "INVALID_REQUEST", message, path === "" ? undefined : path);
}
