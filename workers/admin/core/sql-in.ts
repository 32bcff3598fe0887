// `column IN (ids)` bound as ONE parameter (a JSON array read with json_each), so a batch of any
// size is one statement: D1 allows at most 100 bound parameters, which `inArray` spends one per id.
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";

export function inIds(column: SQLWrapper, ids: Iterable<string>): SQL {
  return sql`${column} in (select value from json_each(${JSON.stringify([...ids])}))`;
}
