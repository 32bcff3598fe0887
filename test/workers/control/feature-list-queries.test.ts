// D1 round trips of the features list with 1,000 features (docs/BENCHMARKS.md, "Control plane").
// The demo team gets 1,000 more features, each with 2 variants, a stage in each of the three demo
// environments, one or two rules per stage, and (every other one) a prerequisite on its neighbour.
// The list is requested through the real yoga endpoint with env.DB wrapped to count every round
// trip (a statement run on its own, or one batch) and every statement; exec is counted too.
// The figures are printed for the doc.
import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { beforeAll, describe, expect, it } from "vitest";
import { features, featureStages, prerequisites, rules, variants } from "../../../db/schema";
import { DEMO_ENVIRONMENT_IDS, DEMO_PIPELINE_ID, DEMO_TEAM_ID } from "../../../db/seed/demo-data";
import { FEATURE_LIST_QUERIES } from "../../../workers/admin/configuration/features.graphql";
import { controlYoga } from "../../../workers/admin/graphql/yoga";
import { MAX_PAGE_SIZE } from "../../../workers/admin/core/pagination";
import { pristine, tokenFor } from "./support/config";
import { countingD1, FEATURE_LIST_QUERY } from "./support/query-counter";

const BULK = 1000;
const DEMO_FEATURES = 7;
const ENVIRONMENTS = Object.values(DEMO_ENVIRONMENT_IDS);
/** D1 binds at most 100 parameters per statement. */
const D1_MAX_PARAMS = 100;

/** Everything a feature list can show: variants, stages with environment and rules, prerequisites. */
const FULL = FEATURE_LIST_QUERY;

/** The same without the stages' rules (the one child list keyed by stage rather than by feature). */
const WIDE = `query($t: ID!, $first: Int, $after: String) {
  features(teamId: $t, first: $first, after: $after) {
    nodes {
      id key
      variants { control }
      stages { status environment { key } }
      prerequisites { feature { key } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Node {
  key: string;
  variants: unknown[];
  stages: { environment: { key: string }; rules?: unknown[] }[];
  prerequisites: { feature: { key: string } }[];
}
interface Measured { nodes: Node[]; endCursor: string | null; hasNextPage: boolean; roundTrips: number; statements: number; execs: number }

const counter = countingD1(env.DB);
let execs = 0;
// exec is not a drizzle path, but a hidden one would still be a round trip: count it as well.
const countedDb = new Proxy(counter.db, {
  get(target, property) {
    if (property === "exec") return (query: string) => { execs++; return target.exec(query); };
    const value = Reflect.get(target, property, target);
    return typeof value === "function" ? value.bind(target) : value;
  },
});

async function post(query: string, first: number, after?: string | null) {
  const token = await tokenFor("viewer");
  counter.reset();
  execs = 0;
  const response = await controlYoga().fetch(new Request("http://fluxgate.test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables: { t: DEMO_TEAM_ID, first, after: after ?? undefined } }),
  }), { env: { ...env, DB: countedDb } });
  const body = (await response.json()) as {
    data?: { features: { nodes: Node[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
  return { body, counts: { ...counter.counts, execs } };
}

async function page(query: string, first: number, after?: string | null): Promise<Measured> {
  const { body, counts } = await post(query, first, after);
  if (body.errors || !body.data) throw new Error(JSON.stringify(body.errors));
  const { nodes, pageInfo } = body.data.features;
  return { nodes, ...pageInfo, ...counts };
}

/** Every page of the list, `first` at a time (bounded by the number of features). */
async function walk(query: string, first: number): Promise<Measured[]> {
  const pages: Measured[] = [];
  let after: string | null = null;
  for (let i = 0; i <= Math.ceil((BULK + DEMO_FEATURES) / first); i++) {
    const p = await page(query, first, after);
    pages.push(p);
    if (!p.hasNextPage) break;
    after = p.endCursor;
  }
  return pages;
}

/** Inserts `rows` in statements of at most 100 bound parameters each. */
function chunkedInserts<T extends SQLiteTable>(db: ReturnType<typeof drizzle>, table: T, rows: T["$inferInsert"][]) {
  const perRow = db.insert(table).values(rows[0]!).toSQL().params.length;
  const size = Math.floor(D1_MAX_PARAMS / perRow);
  const statements = [];
  for (let i = 0; i < rows.length; i += size) statements.push(db.insert(table).values(rows.slice(i, i + size)));
  return statements;
}

async function addBulkFeatures(): Promise<{ statements: number; rules: number }> {
  const db = drizzle(env.DB);
  const now = new Date(Date.UTC(2026, 0, 2));
  const id = (i: number) => `bulk-${String(i).padStart(4, "0")}`;
  const featureRows: (typeof features.$inferInsert)[] = [];
  const variantRows: (typeof variants.$inferInsert)[] = [];
  const stageRows: (typeof featureStages.$inferInsert)[] = [];
  const ruleRows: (typeof rules.$inferInsert)[] = [];
  const prerequisiteRows: (typeof prerequisites.$inferInsert)[] = [];
  for (let i = 0; i < BULK; i++) {
    const f = id(i);
    featureRows.push({
      id: f, teamId: DEMO_TEAM_ID, key: `bulk_${String(i).padStart(4, "0")}`, name: `Bulk ${i}`, type: "boolean",
      salt: `bulk_${i}`, pipelineId: DEMO_PIPELINE_ID, createdAt: now, updatedAt: now,
    });
    variantRows.push(
      { id: `${f}-on`, featureId: f, key: "on", value: "true", position: 0 },
      { id: `${f}-off`, featureId: f, key: "off", value: "false", position: 1 },
    );
    ENVIRONMENTS.forEach((environmentId, position) => {
      const stage = `${f}-s${position}`;
      stageRows.push({
        id: stage, featureId: f, environmentId, position, status: "DEPLOYED", defaultVariant: "off", offVariant: "off", updatedAt: now,
      });
      // One rule on even features, two on odd ones.
      for (let r = 0; r <= i % 2; r++) {
        ruleRows.push({
          id: `${stage}-r${r}`, stageId: stage, priority: r, position: r, name: `rule ${r}`,
          match: r === 0 ? [] : [{ operator: "and", conditions: [{ attribute: "plan", operator: "equals", value: "pro" }] }],
          serve: { kind: "variant", variant: "on" }, createdAt: now,
        } as typeof rules.$inferInsert);
      }
    });
    if (i % 2 === 1) prerequisiteRows.push({ featureId: f, requiredFeatureId: id(i - 1), variant: null });
  }
  const statements = [
    ...chunkedInserts(db, features, featureRows),
    ...chunkedInserts(db, variants, variantRows),
    ...chunkedInserts(db, featureStages, stageRows),
    ...chunkedInserts(db, rules, ruleRows),
    ...chunkedInserts(db, prerequisites, prerequisiteRows),
  ];
  for (let i = 0; i < statements.length; i += 100) {
    const [first, ...rest] = statements.slice(i, i + 100);
    await db.batch([first!, ...rest]);
  }
  return { statements: statements.length, rules: ruleRows.length };
}

const figures: string[] = [];

beforeAll(async () => {
  await pristine();
  const seeded = await addBulkFeatures();
  figures.push(`seeded ${BULK} features (${BULK * 2} variants, ${BULK * 3} stages, ${seeded.rules} rules, ${BULK / 2} prerequisites) in ${seeded.statements} statements of <= ${D1_MAX_PARAMS} parameters`);
  await page(FULL, 1); // warms the isolate's signing-key cache (per D1 binding) before anything is counted
}, 120_000);

describe(`D1 round trips of the features list with ${BULK} features`, { timeout: 120_000 }, () => {
  it(`pages of 10 and of ${MAX_PAGE_SIZE} cost the same round trips, every page of all ${BULK + DEMO_FEATURES} features`, async () => {
    const ten = await page(WIDE, 10);
    const hundred = await page(WIDE, MAX_PAGE_SIZE);
    expect(ten.nodes).toHaveLength(10);
    expect(hundred.nodes).toHaveLength(MAX_PAGE_SIZE);
    // principal (1 batch), owning team, the page, variants, stages, environments, prerequisites,
    // required features: FEATURE_LIST_QUERIES without the rules query.
    const expected = FEATURE_LIST_QUERIES - 1;
    expect([ten.roundTrips, hundred.roundTrips]).toEqual([expected, expected]);
    expect([ten.statements, hundred.statements]).toEqual([expected + 2, expected + 2]);

    const pages = await walk(WIDE, MAX_PAGE_SIZE);
    expect(pages).toHaveLength(Math.ceil((BULK + DEMO_FEATURES) / MAX_PAGE_SIZE));
    const all = pages.flatMap((p) => p.nodes);
    expect(all).toHaveLength(BULK + DEMO_FEATURES);
    const bulk = all.filter((n) => n.key.startsWith("bulk_"));
    expect(bulk.every((n) => n.variants.length === 2 && n.stages.map((s) => s.environment.key).join() === "development,staging,production")).toBe(true);
    expect(bulk.filter((n) => n.prerequisites.length === 1)).toHaveLength(BULK / 2);
    expect(new Set(pages.map((p) => p.roundTrips))).toEqual(new Set([expected]));
    expect(new Set(pages.map((p) => p.statements))).toEqual(new Set([expected + 2]));
    expect(pages.reduce((n, p) => n + p.execs, 0)).toBe(0);
    figures.push(`wide query (variants, stages+environment, prerequisites+feature): first 10 -> ${ten.roundTrips} round trips / ${ten.statements} statements; first ${MAX_PAGE_SIZE} -> ${hundred.roundTrips} / ${hundred.statements}; all ${pages.length} pages of ${MAX_PAGE_SIZE} -> ${pages.map((p) => p.roundTrips).join(",")} round trips`);
  });

  it(`with the stages' rules: the same constant for pages of 10, 33 and ${MAX_PAGE_SIZE}`, async () => {
    const ten = await page(FULL, 10); // 30 stages
    const thirtyThree = await page(FULL, 33); // 99 stages
    const hundred = await page(FULL, MAX_PAGE_SIZE, ten.endCursor); // 300 stages
    expect([ten.nodes.length, thirtyThree.nodes.length, hundred.nodes.length]).toEqual([10, 33, MAX_PAGE_SIZE]);
    const bulkRules = hundred.nodes.filter((n) => n.key.startsWith("bulk_")).flatMap((n) => n.stages.flatMap((s) => s.rules ?? []));
    expect(bulkRules).toHaveLength(450); // 100 bulk features: 3 stages each, one rule on even ones, two on odd ones
    // Loaders bind their keys as one JSON array (services/sql-in.ts), so 300 stage ids are one query.
    expect([ten.roundTrips, thirtyThree.roundTrips, hundred.roundTrips]).toEqual([FEATURE_LIST_QUERIES, FEATURE_LIST_QUERIES, FEATURE_LIST_QUERIES]);
    expect([ten.statements, thirtyThree.statements, hundred.statements]).toEqual([FEATURE_LIST_QUERIES + 2, FEATURE_LIST_QUERIES + 2, FEATURE_LIST_QUERIES + 2]);

    const pages = await walk(FULL, MAX_PAGE_SIZE);
    expect(pages.flatMap((p) => p.nodes)).toHaveLength(BULK + DEMO_FEATURES);
    // Ten full pages of 300 stages, then the last 7 features (21 stages): the same count for each.
    expect(pages.map((p) => p.roundTrips)).toEqual(Array(11).fill(FEATURE_LIST_QUERIES));
    expect(pages.reduce((n, p) => n + p.execs, 0)).toBe(0);
    figures.push(`full query (+ stages' rules): first 10 (30 stages) -> ${ten.roundTrips} round trips / ${ten.statements} statements; first 33 (99 stages) -> ${thirtyThree.roundTrips} / ${thirtyThree.statements}; first ${MAX_PAGE_SIZE} (300 stages) -> ${hundred.roundTrips} / ${hundred.statements}; all ${pages.length} pages of ${MAX_PAGE_SIZE} -> ${pages.map((p) => p.roundTrips).join(",")} round trips`);
    console.log(`[feature-list-queries]\n  ${figures.join("\n  ")}`);
  });
});
