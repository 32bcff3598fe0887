// Several read-only SQL aggregates in ONE D1 round trip. drizzle's raw queries (`db.all(sql)`)
// cannot join a batch on D1, so the `sql` templates are compiled by drizzle's SQLite dialect and
// sent as prepared statements through the D1 client's own batch.
import type { SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { ControlDeps } from "../../core/deps";

const dialect = new SQLiteAsyncDialect();

/** The rows of each query, in order; `T` lists each query's row type. */
export async function readBatch<T extends unknown[][]>(deps: ControlDeps, queries: { [K in keyof T]: SQL }): Promise<T> {
  const d1 = (deps.db as typeof deps.db & { $client: D1Database }).$client;
  const statements = (queries as SQL[]).map((query) => {
    const compiled = dialect.sqlToQuery(query);
    return d1.prepare(compiled.sql).bind(...compiled.params);
  });
  const results = await d1.batch(statements);
  return results.map((result) => result.results) as T;
}
