// The size limits of a GraphQL document, checked in one pass of graphql-js's Lexer before the
// parser runs: at most MAX_TOKENS tokens and at most MAX_NESTING open brackets ({, [, ( ) at once.
// The parser is recursive: a 10,000-deep selection or list literal overflows the stack while it
// parses (INTERNAL_SERVER_ERROR before this check). GraphQL Armor's max-tokens plugin counts inside
// that recursion and so cannot stop it: measured in workerd, a 10,000-deep selection overflowed
// with its 5,000-token limit, and a 3,000-deep list literal of under 5,000 tokens overflowed before
// the count tripped. The Lexer is iterative, so this pass needs no stack whatever the document.
import { GraphQLError, Lexer, parse, Source, TokenKind, type DocumentNode, type ParseOptions } from "graphql";

/** GraphiQL's introspection query has about 200 tokens, the admin app's largest page about 150. */
export const MAX_TOKENS = 5_000;
/** Selections are at most MAX_DEPTH (query-limits.ts) deep; input literals add a few levels. */
export const MAX_NESTING = 64;

const OPENING = new Set<string>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSING = new Set<string>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/** graphql-js's parse, after the size check; throws a coded GraphQLError over a limit. */
export function parseWithinLimits(source: string | Source, options?: ParseOptions): DocumentNode {
  const lexer = new Lexer(typeof source === "string" ? new Source(source) : source);
  let tokens = 0;
  let nesting = 0;
  for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
    if (++tokens > MAX_TOKENS) {
      throw new GraphQLError(`The document has more than ${MAX_TOKENS} tokens; split it or pass large inputs as variables`, {
        extensions: { code: "QUERY_TOO_MANY_TOKENS", maxTokens: MAX_TOKENS },
      });
    }
    if (OPENING.has(token.kind) && ++nesting > MAX_NESTING) {
      throw new GraphQLError(`The document nests brackets more than ${MAX_NESTING} levels deep`, {
        extensions: { code: "QUERY_TOO_DEEP", maxNesting: MAX_NESTING },
      });
    }
    if (CLOSING.has(token.kind)) nesting--;
  }
  return parse(source, options);
}
