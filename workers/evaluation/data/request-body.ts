// Request bodies of the evaluation routes: read within limits, then validated with the same zod
// schemas that document them in /openapi.json. Each problem becomes a typed 400 naming the field.
import type * as z from "zod/mini";
import type { EvaluationContext } from "../../../engine/types";
import { evaluateRequestSchema, ofrepEvaluationRequestSchema } from "../openapi/schemas";
import { ApiError, parseError } from "./errors";
import { readJsonBody } from "./limits";
import type { ReasonNames } from "./reason-names";

function firstIssue(error: z.core.$ZodError): { path: string; message: string } {
  const issue = error.issues[0]!;
  return { path: issue.path.map(String).join("."), message: issue.message };
}

/** "context.targetingKey: must be a string"; a message about the context itself stands alone. */
const describe = (path: string, message: string) => (path === "context" ? message : `${path}: ${message}`);

/** OFREP `{context}`: a body that is not an object is PARSE_ERROR, a bad context INVALID_CONTEXT. */
export async function readOfrepContext(request: Request): Promise<EvaluationContext> {
  return parseOfrepRequest(await readJsonBody(request));
}

/** The same checks on a body already parsed (the RPC entrypoint's `{context}`). */
export function parseOfrepRequest(body: unknown): EvaluationContext {
  const parsed = ofrepEvaluationRequestSchema().safeParse(body);
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
  const parsed = evaluateRequestSchema().safeParse(await readJsonBody(request));
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
