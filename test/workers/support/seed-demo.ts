// Loads the demo configuration into a test's D1 and KV, exactly as `npm run db:seed:local` does
// for the local stack. Idempotent, like the seed itself.
import { demoClientRecords, demoSeedStatements } from "../../../db/seed/demo-seed";

export async function seedDemo(env: { DB: D1Database; FLAGS_KV: KVNamespace }): Promise<void> {
  await env.DB.batch(demoSeedStatements().map((sql) => env.DB.prepare(sql)));
  for (const { key, value } of await demoClientRecords()) await env.FLAGS_KV.put(key, JSON.stringify(value));
}
