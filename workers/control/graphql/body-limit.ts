// The /graphql request body limit, checked before yoga reads or parses anything: a declared
// Content-Length over the limit is refused at once, a streamed body as soon as it grows past it
// (hono's bodyLimit middleware). The largest legitimate body is an importFeatures call with 100
// features (the import's maximum) in its variables: about 150 KiB for features with three stages
// of five rules each (scripts/bench-graphql-limits.ts prints the figure); the limit leaves room for
// several times that. Documents themselves are bounded far lower by MAX_TOKENS (query-limits.ts).
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

export const MAX_GRAPHQL_BODY_BYTES = 512 * 1024;

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
