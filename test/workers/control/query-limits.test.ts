// The depth and cost rules, checked against a small recursive schema (pure validation, no
// execution); graphql-limits-http.test.ts shows them wired into /graphql.
import { buildSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { costLimitRule, depthLimitRule, LIST_FACTOR, MAX_COST, MAX_DEPTH } from "../../../workers/control/graphql/query-limits";

const schema = buildSchema(`
  type Query { node: Node }
  type Node {
    id: ID!
    child: Node
    tags: [String!]!
    list: [Node!]!
    children(first: Int, after: String): NodeConnection!
  }
  type NodeConnection { nodes: [Node!]! }
`);

const errorsOf = (query: string, rules = [depthLimitRule(), costLimitRule({})]) =>
  validate(schema, parse(query), rules).map((e) => ({ message: e.message, extensions: e.extensions }));

/** `{ node { child { child ... { id } } } }` with `depth` fields on the deepest path. */
function chain(depth: number): string {
  let inner = "id";
  for (let level = depth - 1; level > 1; level--) inner = `child { ${inner} }`;
  return `{ node { ${inner} } }`;
}

describe("depth limit", () => {
  it(`accepts depth ${MAX_DEPTH} and rejects ${MAX_DEPTH + 1} with QUERY_TOO_DEEP`, () => {
    expect(errorsOf(chain(MAX_DEPTH), [depthLimitRule()])).toEqual([]);
    expect(errorsOf(chain(MAX_DEPTH + 1), [depthLimitRule()])).toEqual([{
      message: `Query depth ${MAX_DEPTH + 1} exceeds the maximum depth of ${MAX_DEPTH}`,
      extensions: { code: "QUERY_TOO_DEEP", depth: MAX_DEPTH + 1, maxDepth: MAX_DEPTH },
    }]);
  });

  it("follows fragments and inline fragments", () => {
    const query = `{ node { ...A } } fragment A on Node { child { ... on Node { child { ...B } } } }
      fragment B on Node { child { child { child { child { child { child { child { id } } } } } } } }`;
    expect(errorsOf(query, [depthLimitRule()])[0]?.extensions).toEqual({ code: "QUERY_TOO_DEEP", depth: 11, maxDepth: MAX_DEPTH });
  });

  it("ignores introspection, so GraphiQL's deep introspection query passes", () => {
    const query = "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } }";
    expect(errorsOf(query)).toEqual([]);
  });
});

describe("cost limit", () => {
  it("charges 1 per field, times the page size for paginated fields and LIST_FACTOR for other lists", () => {
    // node 1 + [id 1 + children: 1 + 100 * (nodes: 1 + [id 1 + list: 1 + 10 * (id 1)])]
    const query = "{ node { id children(first: 100) { nodes { id list { id } } } } }";
    const expected = 1 + 1 + (1 + 100 * (1 + 1 + (1 + LIST_FACTOR * 1)));
    expect(errorsOf(query, [costLimitRule({}, 0)])[0]?.extensions).toEqual({ code: "QUERY_TOO_COSTLY", cost: expected, maxCost: 0 });
  });

  it(`rejects nested pages over ${MAX_COST} with QUERY_TOO_COSTLY and a hint`, () => {
    const query = "{ node { children(first: 100) { nodes { children(first: 100) { nodes { id } } } } } }";
    expect(errorsOf(query)).toEqual([{
      message: `Query cost 20202 exceeds the maximum cost of ${MAX_COST}; request smaller pages (first) or fewer nested lists`,
      extensions: { code: "QUERY_TOO_COSTLY", cost: 20202, maxCost: MAX_COST },
    }]);
  });

  it("reads page sizes from variables, and assumes the default page size when absent", () => {
    const query = "query($n: Int) { node { children(first: $n) { nodes { id } } } }";
    expect(validate(schema, parse(query), [costLimitRule({ n: 50 }, 0)])[0]?.extensions.cost).toBe(1 + 1 + 50 * (1 + 1));
    expect(validate(schema, parse(query), [costLimitRule({}, 0)])[0]?.extensions.cost).toBe(1 + 1 + 25 * (1 + 1));
  });
});
