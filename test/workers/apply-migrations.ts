import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Idempotent: each test file gets fresh storage, and this brings it to the latest schema.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
