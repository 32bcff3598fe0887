// Loads the demo configuration into a test's D1 and KV, exactly as `npm run db:seed:local` does
// for the local stack. Storage is isolated per test FILE, not per test: tests that edit the demo
// data call `reseedDemo` in beforeEach to start from the pristine demo every time.
import { demoClientRecords, demoSeedStatements } from "../../../db/seed/demo-seed";

type SeedEnv = { DB: D1Database; FLAGS_KV: KVNamespace };

/** Idempotent, like the seed itself: rows already present are left as they are. */
export async function seedDemo(env: SeedEnv): Promise<void> {
  await env.DB.batch(demoSeedStatements().map((sql) => env.DB.prepare(sql)));
  for (const { key, value } of await demoClientRecords()) await env.FLAGS_KV.put(key, JSON.stringify(value));
}

/** Empties every application table and KV key, then seeds the demo. */
export async function reseedDemo(env: SeedEnv): Promise<void> {
  await clearDatabase(env.DB);
  await clearKv(env.FLAGS_KV);
  await seedDemo(env);
}

/** Deletes all rows of all application tables (schema and migration records stay) in one batch. */
export async function clearDatabase(db: D1Database): Promise<void> {
  const tables = await db.prepare(
    `SELECT name FROM sqlite_master WHERE type = 'table'
     AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'`,
  ).all<{ name: string }>();
  await db.batch([
    db.prepare("PRAGMA defer_foreign_keys = on"),
    ...tables.results.map(({ name }) => db.prepare(`DELETE FROM "${name}"`)),
  ]);
}

export async function clearKv(kv: KVNamespace): Promise<void> {
  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<unknown, string> = await kv.list(cursor ? { cursor } : {});
    for (const key of page.keys) await kv.delete(key.name);
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
}
