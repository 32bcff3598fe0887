// What /graphql refuses before it spends CPU on a document (issue 8, items 1-3 and 8): oversized
// bodies (413), documents of too many tokens (deeply nested selections and list literals among
// them), too many aliases or directives, too deep or too costly operations (fragments expanded),
// and anonymous introspection outside development. Each refusal carries a code.
import { env, exports } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../../db/seed/demo-data";
import { MAX_GRAPHQL_BODY_BYTES } from "../../../workers/admin/graphql/body-limit";
import {
  MAX_ALIASES, MAX_COST, MAX_DEPTH, MAX_DIRECTIVES, MAX_NESTING, MAX_TOKENS,
} from "../../../workers/admin/graphql/query-limits";
import { controlYoga } from "../../../workers/admin/graphql/yoga";
import { aliasFlood, deepListLiteral, deepSelection, fragmentBomb } from "../../fixtures/hostile-graphql";
import { gql, type GraphQLAnswer } from "./support/graphql";
import { LOGIN, reseedControl } from "./support/sessions";

/** A POST through the real Worker with a raw body. */
async function post(body: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch("http://fluxgate.test/graphql", {
    method: "POST", headers: { "content-type": "application/json", accept: "application/json", ...headers }, body,
  });
}

const summary = (answer: GraphQLAnswer) => ({
  status: answer.status, codes: (answer.errors ?? []).map((error) => error.extensions?.code), data: answer.data ?? null,
});

describe("/graphql request bodies", () => {
  it(`answer 413 PAYLOAD_TOO_LARGE over ${MAX_GRAPHQL_BODY_BYTES} bytes (Content-Length), before parsing`, async () => {
    expect(MAX_GRAPHQL_BODY_BYTES).toBe(1024 * 1024);
    const query = `{ bootstrapStatus { needsBootstrap } } ${"#".repeat(MAX_GRAPHQL_BODY_BYTES)}`;
    const response = await post(JSON.stringify({ query }));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [{
        message: `The request body exceeds ${MAX_GRAPHQL_BODY_BYTES} bytes; send smaller documents or split the import`,
        extensions: { code: "PAYLOAD_TOO_LARGE", maxBytes: MAX_GRAPHQL_BODY_BYTES },
      }],
    });
  });

  it("answer 413 when a streamed body without Content-Length grows past the limit", async () => {
    const chunk = new TextEncoder().encode(" ".repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < MAX_GRAPHQL_BODY_BYTES / chunk.length + 1) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await post(body);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("accept a body just under the limit", async () => {
    const padding = " ".repeat(MAX_GRAPHQL_BODY_BYTES - 200);
    const response = await post(`{"query": "{ bootstrapStatus { needsBootstrap } }"${padding}}`);
    expect(response.status).toBe(200);
  });

  it("refuse the 500,000-alias flood (10 MB) with 413", async () => {
    const response = await post(JSON.stringify({ query: aliasFlood(500_000) }));
    expect(response.status).toBe(413);
  });
});

describe("/graphql documents", () => {
  beforeEach(() => reseedControl());

  it("refuses the fragment bomb (k = 22) with QUERY_TOO_COSTLY, whatever the leaf", async () => {
    for (const leaf of ["__typename", "bootstrapStatus { needsBootstrap }"]) {
      const answer = await gql(fragmentBomb(22, leaf));
      expect(summary(answer)).toEqual({ status: 400, codes: ["QUERY_TOO_COSTLY"], data: null });
      expect(answer.errors![0]!.extensions).toMatchObject({ maxCost: MAX_COST });
    }
  });

  it("answers a small fragment tree below the cost limit", async () => {
    const answer = await gql(fragmentBomb(3, "bootstrapStatus { needsBootstrap }"));
    expect(summary(answer)).toEqual({ status: 200, codes: [], data: { bootstrapStatus: { needsBootstrap: false } } });
  });

  it(`refuses more than ${MAX_ALIASES} aliases with QUERY_TOO_MANY_ALIASES (__typename included)`, async () => {
    expect(summary(await gql(aliasFlood(MAX_ALIASES)))).toMatchObject({ status: 200, codes: [] });
    const answer = await gql(aliasFlood(MAX_ALIASES + 1));
    expect(summary(answer)).toEqual({ status: 400, codes: ["QUERY_TOO_MANY_ALIASES"], data: null });
    expect(answer.errors![0]!.message).toBe(`Aliases limit of ${MAX_ALIASES} exceeded, found ${MAX_ALIASES + 1}.`);
  });

  it(`refuses more than ${MAX_DIRECTIVES} directives with QUERY_TOO_MANY_DIRECTIVES`, async () => {
    const query = `{ bootstrapStatus { ${"needsBootstrap @include(if: true) ".repeat(MAX_DIRECTIVES + 1)}} }`;
    expect(summary(await gql(query))).toEqual({ status: 400, codes: ["QUERY_TOO_MANY_DIRECTIVES"], data: null });
  });

  it(`refuses documents of more than ${MAX_TOKENS} tokens with QUERY_TOO_MANY_TOKENS`, async () => {
    // `query ($x: [Int] = [0, 0, ...]) { bootstrapStatus { needsBootstrap } }` has 18 + n tokens.
    const withList = (n: number) => `query ($x: [Int] = [${"0 ".repeat(n)}]) { bootstrapStatus { needsBootstrap } }`;
    // At the limit the document is parsed, then validated (and refused: $x is unused).
    const atLimit = await gql(withList(MAX_TOKENS - 18));
    expect(atLimit.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      ["GRAPHQL_VALIDATION_FAILED", 'Variable "$x" is never used.'],
    ]);
    const answer = await gql(withList(MAX_TOKENS - 17));
    expect(summary(answer)).toEqual({ status: 400, codes: ["QUERY_TOO_MANY_TOKENS"], data: null });
    expect(answer.errors![0]).toEqual({
      message: `The document has more than ${MAX_TOKENS} tokens; split it or pass large inputs as variables`,
      extensions: { code: "QUERY_TOO_MANY_TOKENS", maxTokens: MAX_TOKENS },
    });
  });

  it("refuses a 10,000-deep selection with 400 QUERY_TOO_DEEP, not INTERNAL_SERVER_ERROR", async () => {
    const answer = await gql(deepSelection(10_000));
    expect(summary(answer)).toEqual({ status: 400, codes: ["QUERY_TOO_DEEP"], data: null });
    expect(answer.errors![0]).toEqual({
      message: `The document nests brackets more than ${MAX_NESTING} levels deep`,
      extensions: { code: "QUERY_TOO_DEEP", maxNesting: MAX_NESTING },
    });
  });

  it("refuses a 10,000-deep list literal, and one of 3,000 (under the token limit), with 400 QUERY_TOO_DEEP", async () => {
    for (const depth of [10_000, 3_000]) {
      expect(summary(await gql(deepListLiteral(depth)))).toEqual({ status: 400, codes: ["QUERY_TOO_DEEP"], data: null });
    }
  });

  it("still reports syntax errors as GRAPHQL_PARSE_FAILED", async () => {
    const answer = await gql("{ bootstrapStatus { needsBootstrap }");
    expect(answer.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      ["GRAPHQL_PARSE_FAILED", "Syntax Error: Expected Name, found <EOF>."],
    ]);
  });

  it(`refuses operations deeper than ${MAX_DEPTH} with QUERY_TOO_DEEP, through fragments`, async () => {
    const answer = await gql(`{ ...A } fragment A on Query { features(teamId: "t", first: 1) { nodes { prerequisites { feature {
      prerequisites { feature { stages { rules { match { conditions { attribute } } } } } } } } } } }`);
    expect(summary(answer)).toEqual({ status: 400, codes: ["QUERY_TOO_DEEP"], data: null });
    expect(answer.errors![0]).toMatchObject({
      message: `Query depth limit of ${MAX_DEPTH} exceeded, found ${MAX_DEPTH + 1}.`,
      extensions: { code: "QUERY_TOO_DEEP", maxDepth: MAX_DEPTH },
    });
  });
});

describe("introspection", () => {
  beforeEach(() => reseedControl());

  const INTROSPECT = "{ __schema { queryType { name } } }";
  // Outside development the published key is refused, so production runs get a key of their own.
  const production = { ...env, FLUXGATE_ENV: "production", AUTH_ENCRYPTION_KEY: btoa("p".repeat(32)) };

  async function productionGql(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphQLAnswer> {
    const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    const request = new Request("http://fluxgate.test/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    const response = await controlYoga().fetch(request, { env: production });
    const body = (await response.json()) as { data?: unknown; errors?: GraphQLAnswer["errors"] };
    return { status: response.status, data: body.data, errors: body.errors };
  }

  it("is refused to anonymous callers outside development with UNAUTHENTICATED, fragments included", async () => {
    for (const query of [INTROSPECT, '{ __type(name: "Query") { name } }', "{ ...I } fragment I on Query { __schema { types { name } } }"]) {
      const answer = await productionGql(query);
      expect(summary(answer)).toEqual({ status: 200, codes: ["UNAUTHENTICATED"], data: null });
      expect(answer.errors![0]!.message).toBe(
        "Introspection needs a signed-in caller outside development: send Authorization: Bearer <access token> (from the login mutation)");
    }
  });

  it("is open to signed-in callers outside development", async () => {
    const session = (await productionGql(LOGIN, { login: "admin", password: DEMO_PASSWORD })).data as { login: { accessToken: string } };
    expect(summary(await productionGql(INTROSPECT, {}, session.login.accessToken)))
      .toEqual({ status: 200, codes: [], data: { __schema: { queryType: { name: "Query" } } } });
  });

  it("refuses an invalid token's introspection outside development", async () => {
    expect(summary(await productionGql(INTROSPECT, {}, "garbage"))).toMatchObject({ codes: ["UNAUTHENTICATED"], data: null });
  });

  it("leaves __typename and ordinary anonymous queries alone outside development", async () => {
    expect(summary(await productionGql("{ __typename bootstrapStatus { needsBootstrap } }")))
      .toEqual({ status: 200, codes: [], data: { __typename: "Query", bootstrapStatus: { needsBootstrap: false } } });
  });

  it("is open to anyone in development", async () => {
    expect(summary(await gql(INTROSPECT))).toEqual({ status: 200, codes: [], data: { __schema: { queryType: { name: "Query" } } } });
  });

  it("serves the GraphiQL page outside development, which tells how to sign in", async () => {
    const request = new Request("http://fluxgate.test/graphql", { headers: { accept: "text/html" } });
    const response = await controlYoga().fetch(request, { env: production });
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain("FluxGate admin API");
    expect(page).toContain("Authorization");
  });
});
