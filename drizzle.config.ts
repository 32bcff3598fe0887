import { defineConfig } from "drizzle-kit";

// Migrations are generated from db/schema.ts and applied by wrangler (dev, deploy) and by the
// test setup (readD1Migrations), all from db/migrations.
export default defineConfig({
  dialect: "sqlite",
  schema: "./db/schema.ts",
  out: "./db/migrations",
});
