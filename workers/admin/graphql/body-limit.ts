// The /graphql request body limit, checked before yoga reads or parses anything: a declared
// Content-Length over the limit is refused at once, a streamed body as soon as it grows past it
// (hono's bodyLimit middleware). The largest legitimate body is an importFeatures call with 100
// features (the import's maximum) in its variables. Measured (scripts/bench-graphql-limits.ts):
// 142 KiB for 100 features the size of the largest demo feature, 1,110 KiB for 100 features with
// 3 stages x 5 rules x 3 conditions of 10 values each. 1 MiB admits the first many times over and
// about 90 of the second; bigger imports are split (existing keys are skipped, so a rerun is safe).
// Parsing a 1 MiB JSON body costs milliseconds; the document inside is bounded far lower by
// MAX_TOKENS (document-size.ts), so a large body cannot make GraphQL work large.
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

export const MAX_GRAPHQL_BODY_BYTES = 1024 * 1024;

/** 413 with a GraphQL error body (code PAYLOAD_TOO_LARGE), so GraphQL clients show the reason. */
export const graphqlBodyLimit: MiddlewareHandler = bodyLimit({
  maxSize: MAX_GRAPHQL_BODY_BYTES,
  onError: (c) => c.json({
    errors: [{
      message: `The request body exceeds ${MAX_GRAPHQL_BODY_BYTES} bytes; send smaller documents or split the import`,
      extensions: { code: "PAYLOAD_TOO_LARGE", maxBytes: MAX_GRAPHQL_BODY_BYTES },
    }],
  }, 413),
});
