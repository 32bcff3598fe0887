// The depth (GraphQL Armor's, configured) and cost rules, checked against a small recursive schema and against the admin schema
// itself (pure validation, no execution); graphql-limits-http.test.ts shows them wired into /graphql.
import { buildSchema, getNullableType, isListType, isObjectType, parse, validate, type GraphQLSchema } from "graphql";
import { describe, expect, it } from "vitest";
import {
  costLimitRule, depthLimitRule, LIST_FACTOR, LIST_SIZES, MAX_COST, MAX_DEPTH, VALUE_LISTS,
} from "../../../workers/admin/graphql/query-limits";
import { buildControlSchema } from "../../../workers/admin/graphql/schema";

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
      message: `Query depth limit of ${MAX_DEPTH} exceeded, found ${MAX_DEPTH + 1}.`,
      extensions: { code: "QUERY_TOO_DEEP", maxDepth: MAX_DEPTH },
    }]);
  });

  it("follows fragments and inline fragments", () => {
    const query = `{ node { ...A } } fragment A on Node { child { ... on Node { child { ...B } } } }
      fragment B on Node { child { child { child { child { child { child { child { id } } } } } } } }`;
    expect(errorsOf(query, [depthLimitRule()])[0]?.extensions).toEqual({ code: "QUERY_TOO_DEEP", maxDepth: MAX_DEPTH });
    expect(errorsOf(query, [depthLimitRule()])[0]?.message).toBe(`Query depth limit of ${MAX_DEPTH} exceeded, found 11.`);
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

describe("cost limit on the admin schema", () => {
  const admin: GraphQLSchema = buildControlSchema();
  const adminErrors = (query: string, rules = [depthLimitRule(), costLimitRule({})]) =>
    validate(admin, parse(query), rules).map((e) => ({ message: e.message, extensions: e.extensions }));
  const costOf = (query: string) => {
    const errors = adminErrors(query, [costLimitRule({}, 0)]);
    expect(errors.map((e) => e.extensions.code)).toEqual(["QUERY_TOO_COSTLY"]);
    return errors[0]!.extensions.cost;
  };

  it("names only unpaginated list fields of the schema in LIST_SIZES and VALUE_LISTS", () => {
    for (const name of [...Object.keys(LIST_SIZES), ...VALUE_LISTS]) {
      const [typeName, fieldName] = name.split(".") as [string, string];
      const type = admin.getType(typeName);
      const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
      expect(field && isListType(getNullableType(field.type)), name).toBe(true);
      expect(field!.args.some((arg) => arg.name === "first"), name).toBe(false);
    }
  });

  // The features page of an admin app at the default page size (25).
  const FEATURES_PAGE = `{ features(teamId: "t") {
    nodes {
      key
      stages { environment { key } rules { id priority match { operator conditions { attribute operator value } } serve } }
      variants { key value }
    }
    pageInfo { hasNextPage endCursor }
  } }`;

  it("admits the features page with stages, rules and variants at the default page size", () => {
    // conditions 1 + 1*3 = 4; match 1 + 1*(1 + 4) = 6; a rule 1 + 1 + 6 + 1 = 9; rules 1 + 5*9 = 46;
    // a stage 2 + 46 = 48; stages 1 + 3*48 = 145; variants 1 + 3*2 = 7; a feature 1 + 145 + 7 = 153;
    // nodes 154, pageInfo 3: 1 + 25*157
    expect(costOf(FEATURES_PAGE)).toBe(3926);
    expect(adminErrors(FEATURES_PAGE)).toEqual([]);
  });

  it("admits everything the features page can show at the default page size, and refuses it at 100", () => {
    const detail = (first: number) => `{ features(teamId: "t", first: ${first}) {
      nodes {
        id key name type version lifecycle tags
        variants { id key value valueType }
        stages {
          id status defaultVariant offVariant environment { id key name }
          rules {
            id name priority enabled
            match { operator conditions { attribute operator value caseInsensitive } }
            serveSpec { kind variant percentage bucketBy allocations { variant weight } }
          }
        }
        prerequisites { variant feature { id key } }
      }
      pageInfo { hasNextPage endCursor }
    } }`;
    // a rule 4 + 7 + 8 = 19; rules 96; a stage 4 + 4 + 96 = 104; stages 313; variants 13;
    // prerequisites 9; a feature 7 + 313 + 13 + 9 = 342; per node with pageInfo 346
    expect(costOf(detail(25))).toBe(1 + 25 * 346);
    expect(adminErrors(detail(25))).toEqual([]);
    expect(adminErrors(detail(100))).toEqual([{
      message: `Query cost 34601 exceeds the maximum cost of ${MAX_COST}; request smaller pages (first) or fewer nested lists`,
      extensions: { code: "QUERY_TOO_COSTLY", cost: 34601, maxCost: MAX_COST },
    }]);
  });

  it("refuses lists nested through prerequisites with QUERY_TOO_COSTLY", () => {
    const rulesOfStages = "stages { environment { key } rules { id priority serve match { operator conditions { attribute operator value } } } }";
    const abusive = `{ features(teamId: "t", first: 100) { nodes { ${rulesOfStages} prerequisites { feature { ${rulesOfStages} } } } } }`;
    // stages 145 (as on the features page); prerequisites 1 + 2*(1 + 145) = 293; a feature 438;
    // nodes 439: 1 + 100*439
    expect(adminErrors(abusive)).toEqual([{
      message: `Query cost 43901 exceeds the maximum cost of ${MAX_COST}; request smaller pages (first) or fewer nested lists`,
      extensions: { code: "QUERY_TOO_COSTLY", cost: 43901, maxCost: MAX_COST },
    }]);
  });

  it("refuses the features page repeated under aliases", () => {
    const body = FEATURES_PAGE.slice(1, -1);
    const repeated = `{ ${[1, 2, 3].map((n) => `p${n}: ${body.trim()}`).join(" ")} }`;
    expect(adminErrors(repeated)).toEqual([{
      message: `Query cost ${3 * 3926} exceeds the maximum cost of ${MAX_COST}; request smaller pages (first) or fewer nested lists`,
      extensions: { code: "QUERY_TOO_COSTLY", cost: 3 * 3926, maxCost: MAX_COST },
    }]);
  });

  it(`keeps the depth limit at ${MAX_DEPTH} on admin queries`, () => {
    expect(MAX_DEPTH).toBe(10);
    const eleven = `{ features(teamId: "t", first: 1) { nodes { prerequisites { feature { prerequisites { feature {
      stages { rules { match { conditions { attribute } } } } } } } } } } }`;
    expect(adminErrors(eleven, [depthLimitRule()])).toEqual([{
      message: `Query depth limit of ${MAX_DEPTH} exceeded, found 11.`,
      extensions: { code: "QUERY_TOO_DEEP", maxDepth: MAX_DEPTH },
    }]);
  });
});
