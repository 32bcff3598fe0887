// Routes whose module loads on the first request to one of their paths instead of at startup.
// esbuild (wrangler's bundler) runs a dynamically imported module's top level only when the
// `import()` runs, so what such a module builds at load (the analytics ingestion's zod schemas)
// no longer counts toward every isolate's startup CPU (docs/BENCHMARKS.md "Worker size and
// startup"). Hono freezes its router on the first request, so the loaded sub-app cannot be merged
// in later: it answers through its own fetch, with the parent's error and not-found handlers.
import { Hono, type Context, type Env, type ErrorHandler, type NotFoundHandler } from "hono";

export interface LazyRoutes<E extends Env> {
  /** Every path the sub-app routes; checked when it loads, so the two lists cannot drift apart. */
  paths: readonly string[];
  load: () => Promise<Hono<E>>;
  onError: ErrorHandler<E>;
  notFound: NotFoundHandler<E>;
}

export function lazyRoutes<E extends Env>({ paths, load, onError, notFound }: LazyRoutes<E>): Hono<E> {
  let loading: Promise<Hono<E>> | undefined;
  const loaded = async () => {
    const app = await load();
    const undeclared = app.routes.map((r) => r.path).filter((p) => !paths.includes(p));
    if (undeclared.length > 0) throw new Error(`lazyRoutes: the loaded app routes undeclared paths ${undeclared.join(", ")}`);
    return app.onError(onError).notFound(notFound);
  };
  const forward = async (c: Context<E>) => {
    const app = await (loading ??= loaded().catch((error: unknown) => {
      loading = undefined; // let the next request try again
      throw error;
    }));
    return app.fetch(c.req.raw, c.env, executionContextOf(c));
  };
  const routes = new Hono<E>().onError(onError); // also for a failed load
  for (const path of paths) routes.all(path, forward);
  return routes;
}

/** The request's ExecutionContext, or undefined where there is none (Hono's getter throws). */
function executionContextOf(c: Context): Parameters<Hono["fetch"]>[2] {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}
