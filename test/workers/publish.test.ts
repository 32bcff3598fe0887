import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, demoRuleId } from "../../db/seed/demo-data";
import { DeliveryError } from "../../durable-objects/delivery-error";
import { publishEnvironment, publishEnvironments } from "../../durable-objects/publish";
import { flagSetKvKey } from "../../protocol/delivery";
import { resetEnvironmentObjects } from "./support/environment-objects";
import { reseedDemo } from "./support/seed-demo";

const { development: DEVELOPMENT, staging: STAGING, production: PRODUCTION } = DEMO_ENVIRONMENT_IDS;

beforeEach(async () => {
  await reseedDemo(env);
  await resetEnvironmentObjects(env.ENVIRONMENTS, Object.values(DEMO_ENVIRONMENT_IDS));
});

describe("publishEnvironment", () => {
  it("publishes version 1, then bumps only after a committed change", async () => {
    expect(await publishEnvironment(env, PRODUCTION)).toEqual({ environmentId: PRODUCTION, version: 1, changed: true });
    expect(await publishEnvironment(env, PRODUCTION)).toEqual({ environmentId: PRODUCTION, version: 1, changed: false });
    await env.DB.prepare("UPDATE rules SET priority = 11 WHERE id = ?").bind(demoRuleId("dark_mode", "production")).run();
    expect(await publishEnvironment(env, PRODUCTION)).toEqual({ environmentId: PRODUCTION, version: 2, changed: true });
  });

  it("makes the first version readable from KV", async () => {
    await publishEnvironment(env, STAGING);
    const stored = await env.FLAGS_KV.get<{ version: number; environment: { key: string } }>(flagSetKvKey(STAGING), "json");
    expect(stored).toMatchObject({ version: 1, environment: { key: "staging" } });
  });

  it("fails with a typed ENVIRONMENT_NOT_FOUND for an unknown environment", async () => {
    const failure = await publishEnvironment(env, "no-such-environment").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DeliveryError);
    expect(failure).toMatchObject({ code: "ENVIRONMENT_NOT_FOUND" });
  });
});

describe("publishEnvironments", () => {
  it("publishes each distinct environment once", async () => {
    const results = await publishEnvironments(env, [DEVELOPMENT, STAGING, PRODUCTION, STAGING]);
    expect(results).toEqual([
      { environmentId: DEVELOPMENT, version: 1, changed: true },
      { environmentId: STAGING, version: 1, changed: true },
      { environmentId: PRODUCTION, version: 1, changed: true },
    ]);
  });

  it("still publishes the good environments when one fails, then reports the failure", async () => {
    const failure = await publishEnvironments(env, ["no-such-environment", PRODUCTION]).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: "ENVIRONMENT_NOT_FOUND" });
    expect(await publishEnvironment(env, PRODUCTION)).toEqual({ environmentId: PRODUCTION, version: 1, changed: false });
  });
});
