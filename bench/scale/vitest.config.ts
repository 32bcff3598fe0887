// `npm run bench:scale` (scripts/bench-scale.ts) runs the files here inside workerd, like the workers
// test project but outside `npm test`: they are measurements, not specifications. Each file prints
// exactly one line `BENCH_SCALE_PART {json}` with its figures; the script joins them into one JSON line.
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const root = path.join(import.meta.dirname, "../..");
const migrations = await readD1Migrations(path.join(root, "db/migrations"));

export default defineConfig({
  root,
  plugins: [
    cloudflareTest({
      main: "./test/workers/support/test-worker.ts",
      wrangler: { configPath: "./test/workers/wrangler.toml" },
      // relay.scale.ts: 250 sockets per relay shard, so 1,000 subscribers fill four relays.
      miniflare: { bindings: { TEST_MIGRATIONS: migrations, RELAY_SHARD_CAPACITY: "250" } },
    }),
  ],
  test: {
    include: ["bench/scale/*.scale.ts"],
    setupFiles: ["./test/workers/apply-migrations.ts", "./test/workers/support/outbound.ts"],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
