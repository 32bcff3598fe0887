// Test-only bindings added by vitest.config.ts.
declare namespace Cloudflare {
  interface Env {
    DB: D1Database;
    FLAGS_KV: KVNamespace;
    ENVIRONMENTS: DurableObjectNamespace<import("./durable-objects/environment-do").EnvironmentDO>;
    AUTH_ENCRYPTION_KEY: string;
    FLUXGATE_ENV: string;
    TEST_MIGRATIONS: import("@cloudflare/vitest-plugin").D1Migration[];
  }
}

declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import("./workers/index");
    durableNamespaces: "EnvironmentDO";
  }
}
