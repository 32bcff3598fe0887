// Admin-side evaluation through /graphql: evaluateFeature / evaluateFeatures answer exactly what OFREP
// answers a client of the environment (compared field by field with the real OFREP endpoints), on
// the published snapshot; bad contexts with their field paths; who may call.
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_SECRETS, DEMO_TEAM_ID, demoStageId } from "../../../db/seed/demo-data";
import { call } from "../api-support";
import { as, failure, ok, poll, pristine, ROLES } from "./support/config";
import { codes, gql } from "./support/graphql";

const DEV = DEMO_ENVIRONMENT_IDS.development;
const FIELDS = "key httpStatus value variant reason errorCode errorDetails metadata";
const ONE = `query($e: ID!, $k: String!, $c: JSON!) { evaluateFeature(environmentId: $e, featureKey: $k, context: $c) { ${FIELDS} } }`;
const ALL = `query($e: ID!, $c: JSON!) { evaluateFeatures(environmentId: $e, context: $c) { environmentId flagSetVersion flags { ${FIELDS} } } }`;

/** An OFREP answer in the admin shape (absent fields as null). */
function fromOfrep(status: number, body: Record<string, unknown>) {
  return {
    key: body.key, httpStatus: status, value: body.value ?? null, variant: body.variant ?? null, reason: body.reason ?? null,
    errorCode: body.errorCode ?? null, errorDetails: body.errorDetails ?? null, metadata: body.metadata,
  };
}
const ofrepOne = async (flag: string, context: Record<string, unknown>, secret = DEMO_SECRETS.development) => {
  const answer = await call(`/ofrep/v1/evaluate/flags/${flag}`, { secret, body: { context } });
  return fromOfrep(answer.status, answer.json);
};

beforeEach(pristine);

describe("evaluateFeature", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["BetaUsers", { targetingKey: "u1", role: "admin" }],
    ["BetaUsers", { targetingKey: "u1", role: "member" }],
    ["checkout_button_text", { targetingKey: "user-7" }],
    ["max_upload_mb", { targetingKey: "u2", plan: "pro" }],
    ["homepage_layout", { targetingKey: "user-42" }],
    ["new_checkout_flow", { targetingKey: "u3", role: "member" }],
    ["dark_mode", { targetingKey: "user-3" }],
    ["dark_mode", {}],
    ["legacy_search", { targetingKey: "u4" }],
    ["no_such_flag", { targetingKey: "u5" }],
  ];
  for (const [flag, context] of cases) {
    it(`${flag} for ${JSON.stringify(context)} answers what OFREP answers`, async () => {
      const admin = ok(await as("viewer", ONE, { e: DEV, k: flag, c: context })).evaluateFeature;
      // OFREP isolates revalidate their cached snapshot within a second: compare on the same version.
      const ofrep = await poll(() => ofrepOne(flag, context), (o) => (o.metadata as { flagSetVersion?: number }).flagSetVersion === admin.metadata.flagSetVersion);
      expect(admin).toEqual(ofrep);
    });
  }

  it("exact values for the demo flags (independent of OFREP)", async () => {
    expect(ok(await as("viewer", ONE, { e: DEV, k: "BetaUsers", c: { targetingKey: "u", role: "admin" } })).evaluateFeature)
      .toMatchObject({ httpStatus: 200, value: true, variant: "on", reason: "TARGETING_MATCH", errorCode: null });
    expect(ok(await as("viewer", ONE, { e: DEV, k: "legacy_search", c: {} })).evaluateFeature)
      .toMatchObject({ httpStatus: 200, value: false, variant: "off", reason: "DISABLED" });
    expect(ok(await as("viewer", ONE, { e: DEV, k: "nope", c: {} })).evaluateFeature)
      .toMatchObject({ httpStatus: 404, value: null, reason: null, errorCode: "FLAG_NOT_FOUND" });
    expect(ok(await as("viewer", ONE, { e: DEV, k: "dark_mode", c: {} })).evaluateFeature)
      .toMatchObject({ httpStatus: 400, errorCode: "TARGETING_KEY_MISSING" });
  });

  it("follows a published change at once (the environment object's snapshot)", async () => {
    ok(await as("teamadmin", `mutation($s: ID!) { setStageRules(stageId: $s, rules: []) { id } }`, { s: demoStageId("BetaUsers", "development") }));
    const admin = ok(await as("viewer", ONE, { e: DEV, k: "BetaUsers", c: { targetingKey: "u", role: "admin" } })).evaluateFeature;
    // No rules left: the stage serves its default statically.
    expect(admin).toMatchObject({ value: false, variant: "off", reason: "STATIC" });
    expect(await poll(() => ofrepOne("BetaUsers", { targetingKey: "u", role: "admin" }), (o) => o.reason === "STATIC")).toEqual(admin);
  });

  it("refuses bad input with the field path; another team's environment is NOT_FOUND", async () => {
    expect(failure(await as("viewer", ONE, { e: DEV, k: "BetaUsers", c: [1, 2] }))).toEqual({ code: "BAD_USER_INPUT", field: "context" });
    expect(failure(await as("viewer", ONE, { e: DEV, k: "BetaUsers", c: "admin" }))).toEqual({ code: "BAD_USER_INPUT", field: "context" });
    expect(failure(await as("viewer", ONE, { e: DEV, k: "BetaUsers", c: { targetingKey: 42 } }))).toEqual({ code: "BAD_USER_INPUT", field: "context.targetingKey" });
    expect(failure(await as("viewer", ONE, { e: DEV, k: "", c: {} }))).toEqual({ code: "BAD_USER_INPUT", field: "featureKey" });
    expect(failure(await as("viewer", ONE, { e: DEV, k: "BetaUsers", c: { blob: "x".repeat(70_000) } }))).toEqual({ code: "BAD_USER_INPUT", field: "context" });
    expect(failure(await as("viewer", ONE, { e: "no-such-environment", k: "BetaUsers", c: {} }))).toEqual({ code: "NOT_FOUND" });
  });
});

describe("evaluateFeatures", () => {
  it("lists every flag exactly as OFREP's bulk evaluation does", async () => {
    const context = { targetingKey: "user-42", role: "admin", plan: "pro" };
    const admin = ok(await as("requester", ALL, { e: DEV, c: context })).evaluateFeatures;
    // OFREP isolates revalidate their cached snapshot within a second: wait for the same version.
    const bulk = await poll(() => call("/ofrep/v1/evaluate/flags", { secret: DEMO_SECRETS.development, body: { context } }),
      (answer) => answer.json?.metadata?.flagSetVersion === admin.flagSetVersion);
    expect(bulk.status).toBe(200);
    // The bulk answer carries the set's version once, at the top (per-flag metadata is content-derived).
    const fromBulk = (bulk.json.flags as Record<string, unknown>[]).map((flag) => {
      const { httpStatus: _ignored, ...rest } = fromOfrep(0, flag);
      return { ...rest, metadata: { ...(rest.metadata as object), flagSetVersion: bulk.json.metadata.flagSetVersion } };
    });
    expect(admin.flags.map(({ httpStatus: _ignored, ...rest }: { httpStatus: number }) => rest)).toEqual(fromBulk);
    expect(admin.flags.map((f: { key: string }) => f.key)).toHaveLength(7);
    expect(admin.environmentId).toBe(DEV);
    expect(admin.flagSetVersion).toBe(admin.flags[0].metadata.flagSetVersion);
  });
});

describe("who may evaluate", () => {
  for (const role of ROLES) {
    const expected = role === "outsider" ? ["NOT_FOUND"] : [];
    it(`as ${role}: ${expected[0] ?? "allowed"}`, async () => {
      expect(codes(await as(role, ONE, { e: DEV, k: "BetaUsers", c: {} }))).toEqual(expected);
      expect(codes(await as(role, ALL, { e: DEV, c: {} }))).toEqual(expected);
    });
  }
  it("anonymously: UNAUTHENTICATED", async () => {
    expect(codes(await gql(ONE, { e: DEV, k: "BetaUsers", c: {} }))).toEqual(["UNAUTHENTICATED"]);
    expect(codes(await gql(ALL, { e: DEV, c: {} }))).toEqual(["UNAUTHENTICATED"]);
    expect(DEMO_TEAM_ID).toBeTruthy();
  });
});
