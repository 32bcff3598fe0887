import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  DEMO_CLIENT_IDS, DEMO_ENVIRONMENT_IDS, DEMO_FEATURE_IDS, DEMO_SECRET_HASHES, DEMO_SECRETS, DEMO_TEAM_ID, DEMO_WEB_ORIGINS,
} from "../../db/seed/demo-data";
import { demoClientRecords, demoSeedStatements } from "../../db/seed/demo-seed";
import { clientKvKey, type ClientRecord } from "../../protocol/delivery";
import { sha256Hex } from "../../protocol/secret-hash";
import { seedDemo } from "./support/seed-demo";

const TABLES = [
  "teams", "users", "team_memberships", "environments", "pipelines", "pipeline_stages", "contexts", "segments", "features", "variants",
  "feature_stages", "rules", "prerequisites", "clients",
];

async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    counts[table] = (await env.DB.prepare(`SELECT count(*) AS n FROM "${table}"`).first<{ n: number }>())!.n;
  }
  return counts;
}

describe("demo seed", () => {
  it("inserts the demo configuration of COMMON.md", async () => {
    await seedDemo(env);
    expect(await rowCounts()).toEqual({
      teams: 1, users: 5, team_memberships: 4, environments: 3, pipelines: 1, pipeline_stages: 3, contexts: 1, segments: 1, features: 7,
      variants: 6, feature_stages: 21, rules: 18, prerequisites: 1, clients: 4,
    });
    const environments = await env.DB.prepare("SELECT id, key, type FROM environments ORDER BY id").all();
    expect(environments.results).toEqual([
      { id: DEMO_ENVIRONMENT_IDS.development, key: "development", type: "development" },
      { id: DEMO_ENVIRONMENT_IDS.staging, key: "staging", type: "staging" },
      { id: DEMO_ENVIRONMENT_IDS.production, key: "production", type: "production" },
    ]);
  });

  it("stores JSON as text, booleans as 0/1 and times as epoch milliseconds", async () => {
    await seedDemo(env);
    const feature = await env.DB.prepare("SELECT kill_switch_active, kill_switch_activated_at, tags, created_at FROM features WHERE id = ?")
      .bind(DEMO_FEATURE_IDS.legacy_search).first();
    expect(feature).toEqual({ kill_switch_active: 1, kill_switch_activated_at: 1767225600000, tags: "[]", created_at: 1767225600000 });
    const variant = await env.DB.prepare("SELECT value FROM variants WHERE key = 'modern'").first();
    expect(variant).toEqual({ value: '{"hero":"video","columns":3}' });
  });

  it("is idempotent and never overwrites an admin's later edit", async () => {
    await seedDemo(env);
    await env.DB.prepare("UPDATE features SET description = 'edited' WHERE id = ?").bind(DEMO_FEATURE_IDS.dark_mode).run();
    const before = await rowCounts();
    await seedDemo(env);
    expect(await rowCounts()).toEqual(before);
    const row = await env.DB.prepare("SELECT description FROM features WHERE id = ?").bind(DEMO_FEATURE_IDS.dark_mode).first();
    expect(row).toEqual({ description: "edited" });
  });

  it("has one statement per row, each guarded against conflicts", () => {
    const statements = demoSeedStatements();
    expect(statements).toHaveLength(76);
    for (const sql of statements) expect(sql).toMatch(/^INSERT INTO "\w+" \(.+\) VALUES \(.+\) ON CONFLICT DO NOTHING;$/s);
  });

  it("precomputes the SHA-256 of every demo secret correctly", async () => {
    for (const name of Object.keys(DEMO_SECRETS) as (keyof typeof DEMO_SECRETS)[]) {
      expect(DEMO_SECRET_HASHES[name]).toBe(await sha256Hex(DEMO_SECRETS[name]));
    }
  });

  it("puts a client record per demo secret into KV, keyed by the secret's hash", async () => {
    await seedDemo(env);
    const web = await env.FLAGS_KV.get<ClientRecord>(clientKvKey(await sha256Hex(DEMO_SECRETS.web)), "json");
    expect(web).toEqual({
      clientId: DEMO_CLIENT_IDS.web, secretHash: DEMO_SECRET_HASHES.web, teamId: DEMO_TEAM_ID,
      environmentId: DEMO_ENVIRONMENT_IDS.development, kind: "web", enabled: true, origins: DEMO_WEB_ORIGINS,
    });
    const production = await env.FLAGS_KV.get<ClientRecord>(clientKvKey(DEMO_SECRET_HASHES.production), "json");
    expect(production).toEqual({
      clientId: DEMO_CLIENT_IDS.production, secretHash: DEMO_SECRET_HASHES.production, teamId: DEMO_TEAM_ID,
      environmentId: DEMO_ENVIRONMENT_IDS.production, kind: "server", enabled: true, origins: [],
    });
    expect((await demoClientRecords()).map((r) => r.key).sort()).toEqual(
      Object.values(DEMO_SECRET_HASHES).map(clientKvKey).sort(),
    );
  });
});
