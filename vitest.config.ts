import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { DEMO_SECRETS } from "./db/seed/demo-data";
import { buildFlagsApp } from "./test/fixtures/flags-app/build";

const migrations = await readD1Migrations(path.join(import.meta.dirname, "db/migrations"));
/** The workers project's runner: the Worker under test, as auxiliary Workers' bindings name it. */
const RUNNER = "vitest-plugin-runner-workers";

export default defineConfig({
  test: {
    // The run fails on any uncaught exception or unhandled rejection workerd reports (it only logs them).
    reporters: ["default", "./scripts/vitest-runtime-errors.ts"],
    projects: [
      {
        // Engine, Durable Object and Worker tests run inside workerd with real local D1/KV/DO.
        plugins: [
          cloudflareTest({
            // Both Workers in one test Worker (see the config): SELF serves /graphql and OFREP alike.
            main: "./test/workers/support/test-worker.ts",
            wrangler: { configPath: "./test/workers/wrangler.toml" },
            miniflare: {
              bindings: { TEST_MIGRATIONS: migrations },
              serviceBindings: { FLAGS_APP: "flags-app" },
              // An app's Worker reaching FluxGate through a service binding to its RPC entrypoint.
              workers: [{
                name: "flags-app",
                modules: true,
                scriptPath: await buildFlagsApp(),
                compatibilityDate: "2026-11-01",
                compatibilityFlags: ["nodejs_compat"],
                bindings: { FLUXGATE_SECRET: DEMO_SECRETS.development },
                serviceBindings: { FLAGS: { name: RUNNER, entrypoint: "FlagsEntrypoint" } },
              }],
            },
          }),
        ],
        test: {
          name: "workers",
          include: ["test/workers/**/*.test.ts", "test/engine/**/*.test.ts"],
          // outbound.ts: no test sends anything beyond this isolate (the global fetch answers in-process).
          setupFiles: ["./test/workers/apply-migrations.ts", "./test/workers/support/outbound.ts", "./test/workers/support/preload-lazy-modules.ts"],
        },
      },
      {
        // Cross-checks against Node-only reference implementations.
        test: { name: "node", include: ["test/node/**/*.test.ts"], environment: "node" },
      },
      {
        // The admin console (web/): its editors' models, and Debian's Chromium against `npm run dev`.
        test: {
          name: "console",
          include: ["web/test/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 420_000,
          fileParallelism: false,
          globalSetup: ["./web/test/global-setup.ts"],
        },
      },
      {
        // Starts the real `npm run dev` stack and drives it with real OpenFeature clients.
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
