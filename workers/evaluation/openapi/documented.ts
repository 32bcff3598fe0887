// The evaluation Worker's schemas are zod/mini (classic zod's schema objects cost its startup
// several milliseconds; docs/BENCHMARKS.md "Worker size and startup"). They carry their
// documentation in zod's global registry; document.ts turns the registered ones into the
// components of /openapi.json at build time.
import * as z from "zod/mini";

/** Registers `schema`'s documentation (id for a named component, description, example); returns it. */
export function documented<T extends z.ZodMiniType>(schema: T, meta: z.core.GlobalMeta): T {
  z.globalRegistry.add(schema, meta);
  return schema;
}
