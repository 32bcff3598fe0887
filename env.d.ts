// The workers test project's bindings (test/workers/wrangler.toml, vitest.config.ts).
declare namespace Cloudflare {
  interface Env {
    DB: D1Database;
    FLAGS_KV: KVNamespace;
    ADMIN: import("./workers/env").Env["ADMIN"];
    ENVIRONMENTS: DurableObjectNamespace<import("./durable-objects/environment-do").EnvironmentObject>;
    LOCATION_RELAYS: DurableObjectNamespace<import("./durable-objects/location-relay/relay").LocationRelay>;
    RELAYS: DurableObjectNamespace<import("./durable-objects/subscriber-relay/relay").SubscriberRelay>;
    RELAY_SHARD_CAPACITY: string;
    AUTH_ENCRYPTION_KEY: string;
    FLUXGATE_ENV: string;
    TEST_MIGRATIONS: import("@cloudflare/vitest-plugin").D1Migration[];
  }
}

declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import("./test/workers/support/test-worker");
    durableNamespaces: "EnvironmentDO" | "LocationRelay" | "SubscriberRelay";
  }
}
