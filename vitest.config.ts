import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const migrations = await readD1Migrations(path.join(import.meta.dirname, "db/migrations"));

export default defineConfig({
  test: {
    projects: [
      {
        // Engine, Durable Object and Worker tests run inside workerd with real local D1/KV/DO.
        plugins: [
          cloudflareTest({
            main: "./workers/index.ts",
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: { TEST_MIGRATIONS: migrations } },
          }),
        ],
        test: {
          name: "workers",
          include: ["test/workers/**/*.test.ts", "test/engine/**/*.test.ts"],
          setupFiles: ["./test/workers/apply-migrations.ts"],
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
