// A features list costs a fixed number of D1 round trips whatever the number of features on the
// page: child lists (variants, stages, their environments and rules, prerequisites and their
// features) are batched per request by DataLoaders. The request goes through the real yoga
// endpoint with the D1 binding wrapped to count (support/query-counter.ts). The query below is as
// rich as the cost limit (query-limits.ts) allows for pages of this size.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_TEAM_ID } from "../../../db/seed/demo-data";
import { FEATURE_LIST_QUERIES } from "../../../workers/admin/configuration/features.graphql";
import { controlYoga } from "../../../workers/admin/graphql/yoga";
import { pristine, tokenFor } from "./support/config";
import { countingD1, FEATURE_LIST_QUERY as LIST } from "./support/query-counter";



const counter = countingD1(env.DB);

async function listFeatures(first: number, after?: string) {
  const token = await tokenFor("viewer");
  counter.reset();
  const response = await controlYoga().fetch(new Request("http://fluxgate.test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: LIST, variables: { t: DEMO_TEAM_ID, first, after } }),
  }), { env: { ...env, DB: counter.db } });
  const body = (await response.json()) as { data: { features: { nodes: { stages: { rules: unknown[] }[] }[]; pageInfo: { endCursor: string } } }; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return { features: body.data.features, counts: { ...counter.counts } };
}

/** Adds `n` boolean features to Acme, each with 3 stages, 2 variants, one rule per stage and a prerequisite. */
async function addFeatures(n: number, from = 0) {
  const statements: D1PreparedStatement[] = [];
  const now = Date.now();
  const environments = Object.values(DEMO_ENVIRONMENT_IDS);
  for (let i = from; i < from + n; i++) {
    const id = `bulk-${i}`;
    statements.push(env.DB.prepare(`INSERT INTO features (id, team_id, key, name, type, salt, created_at, updated_at) VALUES (?, ?, ?, ?, 'boolean', ?, ?, ?)`)
      .bind(id, DEMO_TEAM_ID, `zz_bulk_${String(i).padStart(3, "0")}`, "bulk", `bulk_${i}`, now, now));
    statements.push(env.DB.prepare(`INSERT INTO variants (id, feature_id, key, value, description, position) VALUES (?, ?, 'on', 'true', '', 0), (?, ?, 'off', 'false', '', 1)`)
      .bind(`${id}-on`, id, `${id}-off`, id));
    environments.forEach((environmentId, position) => {
      statements.push(env.DB.prepare(`INSERT INTO feature_stages (id, feature_id, environment_id, position, status, default_variant, off_variant, updated_at) VALUES (?, ?, ?, ?, 'DEPLOYED', 'off', 'off', ?)`)
        .bind(`${id}-s${position}`, id, environmentId, position, now));
      statements.push(env.DB.prepare(`INSERT INTO rules (id, stage_id, priority, position, name, match, serve, created_at) VALUES (?, ?, 0, 0, '', '[]', '{"kind":"variant","variant":"on"}', ?)`)
        .bind(`${id}-r${position}`, `${id}-s${position}`, now));
    });
    if (i > from) statements.push(env.DB.prepare(`INSERT INTO prerequisites (feature_id, required_feature_id, variant) VALUES (?, ?, NULL)`).bind(id, `bulk-${i - 1}`));
  }
  await env.DB.batch(statements);
}

beforeAll(pristine);

describe("D1 round trips of a features list", { timeout: 30_000 }, () => {
  it(`is ${FEATURE_LIST_QUERIES} for a page of 7, of 25 and of 33 features (every child list batched)`, async () => {
    await listFeatures(1); // warms the isolate's signing-key cache, which is per D1 binding
    const small = await listFeatures(7); // the demo flags, new_checkout_flow with its prerequisite
    expect(small.features.nodes).toHaveLength(7);
    await addFeatures(26);
    const page = await listFeatures(25);
    const large = await listFeatures(33);
    expect(page.features.nodes).toHaveLength(25);
    expect(large.features.nodes).toHaveLength(33);
    expect(large.features.nodes.flatMap((f) => f.stages.flatMap((s) => s.rules))).toHaveLength(33 * 3 - 3); // legacy_search has no rule in its 3 stages
    expect([small.counts.roundTrips, page.counts.roundTrips, large.counts.roundTrips]).toEqual([FEATURE_LIST_QUERIES, FEATURE_LIST_QUERIES, FEATURE_LIST_QUERIES]);
    // The principal is one batch of 3 statements; everything else is one statement per round trip.
    expect(large.counts.statements).toBe(FEATURE_LIST_QUERIES + 2);
  });


});
