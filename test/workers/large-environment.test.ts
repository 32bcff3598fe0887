// A 5,000-flag environment (three rules each) through the real delivery path: published from D1 by
// its environment object, stored in the object's chunked SQLite storage, written to KV as snapshot
// text, reloaded after the object restarts, and served to an isolate's cache from KV and from the object.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { environmentHub } from "../../durable-objects/hub";
import { compileFlagSet, evaluateFlag, type FlagSetDocument } from "../../engine";
import { flagSetKvKey } from "../../protocol/delivery";
import { SnapshotCache } from "../../workers/evaluation/data/snapshot-cache";
import { platformSnapshotSource } from "../../workers/evaluation/data/snapshot-source";
import { snapshotSettings } from "../../workers/evaluation/data/settings";
import { flagKey, LARGE_CONTEXTS, largeFlagSet } from "../engine/large-flag-set";

const FLAGS = 5_000;
const TEAM = "00000000-0000-4000-8000-00000000a5c1";
const ENVIRONMENT = "00000000-0000-4000-8000-00000000a5e1";
const expected = largeFlagSet(FLAGS);
const hub = () => environmentHub(env, ENVIRONMENT);
const stub = () => env.ENVIRONMENTS.getByName(ENVIRONMENT);
const SAMPLE = [0, 1, 49, 50, 97, 2_500, 4_999].map(flagKey);

/** Inserts the large set's flags into D1 for ENVIRONMENT, 500 flags per statement (rows as one JSON parameter). */
async function seedLargeEnvironment(): Promise<void> {
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare("INSERT INTO teams (id, name, created_at, updated_at) VALUES (?, 'large-team', ?, ?)").bind(TEAM, now, now),
    env.DB.prepare("INSERT INTO environments (id, team_id, key, name, type, created_at, updated_at) VALUES (?, ?, 'production', 'Production', 'production', ?, ?)")
      .bind(ENVIRONMENT, TEAM, now, now),
  ]);
  for (let start = 0; start < FLAGS; start += 500) {
    const flags = expected.flags.slice(start, start + 500).map((f, i) => ({ ...f, id: `f-${start + i}`, stage: `s-${start + i}` }));
    const rows = JSON.stringify(flags);
    await env.DB.batch([
      env.DB.prepare(`INSERT INTO features (id, team_id, key, name, type, salt, created_at, updated_at)
        SELECT j.value ->> 'id', ?, j.value ->> 'key', j.value ->> 'key', j.value ->> 'type', j.value ->> 'salt', ?, ? FROM json_each(?) j`)
        .bind(TEAM, now, now, rows),
      env.DB.prepare(`INSERT INTO variants (id, feature_id, key, value, position)
        SELECT (f.value ->> 'id') || '-' || v.key, f.value ->> 'id', v.key, json_quote(v.value), v.id
        FROM json_each(?) f, json_each(f.value -> 'variants') v`).bind(rows),
      env.DB.prepare(`INSERT INTO feature_stages (id, feature_id, environment_id, position, status, default_variant, off_variant, updated_at)
        SELECT j.value ->> 'stage', j.value ->> 'id', ?, 0, CASE WHEN j.value ->> 'deployed' THEN 'DEPLOYED' ELSE 'NOT_DEPLOYED' END,
          j.value ->> 'defaultVariant', j.value ->> 'offVariant', ? FROM json_each(?) j`).bind(ENVIRONMENT, now, rows),
      env.DB.prepare(`INSERT INTO rules (id, stage_id, priority, position, name, match, serve, created_at)
        SELECT (f.value ->> 'stage') || '-' || (r.value ->> 'id'), f.value ->> 'stage', r.value ->> 'priority', r.key, '',
          r.value -> 'match', r.value -> 'serve', ?
        FROM json_each(?) f, json_each(f.value -> 'rules') r`).bind(now, rows),
      env.DB.prepare(`INSERT INTO prerequisites (feature_id, required_feature_id, variant)
        SELECT f.value ->> 'id', (SELECT id FROM features WHERE team_id = ? AND key = p.value ->> 'key'), p.value ->> 'variant'
        FROM json_each(?) f, json_each(f.value -> 'prerequisites') p`).bind(TEAM, rows),
    ]);
  }
  for (const s of expected.segments) {
    await env.DB.prepare(`INSERT INTO segments (id, team_id, key, name, included, excluded, match, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).bind(`seg-${s.key}`, TEAM, s.key, s.key, JSON.stringify(s.included),
      JSON.stringify(s.excluded), JSON.stringify(s.match), now, now).run();
  }
}

/** The answers the large set gives for the sample flags and every test context. */
const answers = (set: ReturnType<typeof compileFlagSet>) =>
  SAMPLE.flatMap((key) => LARGE_CONTEXTS.map((context) => evaluateFlag(set, key, context)))
    .map(({ metadata: { flagSetVersion: _v, ...metadata }, ...result }) => ({ ...result, metadata }));
/** The set as D1 holds it: rule ids are unique rows there, named after their stage. */
const asPublished: FlagSetDocument = {
  ...expected,
  flags: expected.flags.map((f, i) => ({ ...f, rules: f.rules.map((r) => ({ ...r, id: `s-${i}-${r.id}` })) })),
};
const reference = () => answers(compileFlagSet(asPublished));

beforeAll(async () => {
  await seedLargeEnvironment();
}, 120_000);

describe("a 5,000-flag environment", () => {
  it("publishes from D1, stores in chunks under the row limit, writes KV as snapshot text, and reloads after a restart", async () => {
    expect(await hub().publish()).toEqual({ environmentId: ENVIRONMENT, version: 1, changed: true });
    const document: FlagSetDocument = await hub().getSnapshot();
    expect(document.flags).toHaveLength(FLAGS);
    expect(answers(compileFlagSet(document))).toEqual(reference());

    const rows = await runInDurableObject(stub(), (_instance, state) =>
      state.storage.sql.exec<{ bytes: number }>("SELECT length(CAST(data AS BLOB)) AS bytes FROM snapshot_chunks ORDER BY idx").toArray());
    const stored = new TextEncoder().encode(JSON.stringify(document)).length;
    expect(rows.length).toBe(Math.ceil(JSON.stringify(document).length / 500_000));
    expect(rows.reduce((sum, r) => sum + r.bytes, 0)).toBe(stored);
    expect(Math.max(...rows.map((r) => r.bytes))).toBeLessThanOrEqual(2_000_000);

    const text = (await env.FLAGS_KV.get(flagSetKvKey(ENVIRONMENT), "text"))!;
    expect(text.length).toBeGreaterThan(6_000_000);
    expect(text.length).toBeLessThan(25 * 1024 * 1024);
    expect(answers(compileFlagSet(text))).toEqual(reference());

    await evictDurableObject(stub());
    expect(await hub().publish()).toEqual({ environmentId: ENVIRONMENT, version: 1, changed: false });
    const reloaded = await hub().getSnapshot();
    expect(reloaded.contentHash).toBe(document.contentHash);
    expect(reloaded.flags).toHaveLength(FLAGS);
  }, 120_000);

  it("serves an isolate's fresh cache from the KV text, and from the object when KV has none", async () => {
    await hub().publish();
    const background = { waitUntil: (p: Promise<unknown>) => void p.catch(() => undefined) };
    const source = platformSnapshotSource(env);
    const settings = snapshotSettings(env);

    const fromKv = new SnapshotCache();
    const kvServed = await fromKv.get(ENVIRONMENT, source, settings, background);
    expect(fromKv.describe(settings)[0]?.source).toBe("kv");
    expect(answers(kvServed.compiled)).toEqual(reference());

    await env.FLAGS_KV.delete(flagSetKvKey(ENVIRONMENT));
    const fromObject = new SnapshotCache();
    const objectServed = await fromObject.get(ENVIRONMENT, source, settings, background);
    expect(fromObject.describe(settings)[0]?.source).toBe("do");
    expect(answers(objectServed.compiled)).toEqual(reference());
    expect(objectServed.compiled.flagKeys).toHaveLength(FLAGS);
  }, 120_000);
});
