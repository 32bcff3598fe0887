// BUILD TIME ONLY (document.ts): the request schemas the evaluation Worker validates with are
// zod/mini (documented.ts), which zod-to-openapi does not read, so they become components of
// /openapi.json through zod's own JSON Schema output (2020-12, OpenAPI 3.1's dialect), from the same
// objects and the documentation registered on them. Routes reference them with requestSchemaRef.
import * as z from "zod/mini";
import { EvaluationCountSchema, EvaluationCountsRequestSchema } from "../analytics/evaluation-counts-request";
import { TrackEventSchema, TrackRequestSchema } from "../analytics/track-request";
import { evaluateContextSchema, evaluateRequestSchema, ofrepContextSchema, ofrepEvaluationRequestSchema } from "./schemas";

/** The request bodies (referenced by the routes) and the named schemas nested in them. */
const REQUEST_BODIES = {
  OfrepEvaluationRequest: ofrepEvaluationRequestSchema(),
  EvaluateRequest: evaluateRequestSchema(),
  EvaluationCountsRequest: EvaluationCountsRequestSchema,
  TrackRequest: TrackRequestSchema,
};
const NESTED = [ofrepContextSchema(), evaluateContextSchema(), EvaluationCountSchema, TrackEventSchema];

const COMPONENTS = "#/components/schemas/";

export const requestSchemaRef = (name: keyof typeof REQUEST_BODIES) => ({ $ref: `${COMPONENTS}${name}` });

/** Each request component as a JSON Schema object, keyed by its id. */
export function requestComponents(): Record<string, Record<string, unknown>> {
  const registry = z.registry<z.core.GlobalMeta>();
  for (const schema of [...Object.values(REQUEST_BODIES), ...NESTED]) {
    const meta = z.globalRegistry.get(schema);
    if (!meta?.id) throw new Error("a request component must be documented() with an id");
    registry.add(schema, meta);
  }
  const { schemas } = z.toJSONSchema(registry, { io: "input", uri: (id) => `${COMPONENTS}${id}` });
  return Object.fromEntries(Object.keys(schemas).sort().map((id) => {
    const { $schema: _schema, $id: _uri, id: _id, ...schema } = schemas[id] as Record<string, unknown>;
    return [id, schema];
  }));
}
