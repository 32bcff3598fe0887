// The change guard against real D1: approval policies make an environment protected (no direct
// change), freeze windows block changes unless a team admin or system admin overrides with a reason.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_FEATURE_IDS, DEMO_TEAM_ID } from "../../../db/seed/demo-data";
import { approvalPolicies, freezeWindows, type TeamRole } from "../../../db/schema";
import type { Principal } from "../../../workers/admin/identity/authz";
import { assertDirectChangeAllowed, assertFeatureChangeAllowed } from "../../../workers/admin/workflow/change-guard";
import { controlDeps } from "../../../workers/admin/core/deps";
import { ControlError } from "../../../workers/admin/core/errors";
import { reseedDemo } from "../support/seed-demo";

const NOW = new Date("2026-06-01T12:00:00.000Z");
const deps = controlDeps(env, { now: () => NOW, publish: async () => [] });
const { development: DEVELOPMENT, staging: STAGING, production: PRODUCTION } = DEMO_ENVIRONMENT_IDS;
const FEATURE = DEMO_FEATURE_IDS.BetaUsers;

const principal = (role: TeamRole | null, isSystemAdmin = false): Principal => ({
  userId: `user-${role ?? "admin"}`, username: role ?? "admin", isSystemAdmin, mustChangePassword: false, sessionId: "s",
  memberships: new Map(role ? [[DEMO_TEAM_ID, role]] : []),
});
const guard = (environmentId: string, who = principal("team_admin"), freezeOverrideReason?: string) =>
  assertDirectChangeAllowed(deps, who, { teamId: DEMO_TEAM_ID, environmentId, featureId: FEATURE, freezeOverrideReason });
const failure = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ControlError);
  const { code, details, message } = error as ControlError;
  return { code, reason: details.reason, message };
};
const addPolicy = (values: Partial<typeof approvalPolicies.$inferInsert>) =>
  deps.db.insert(approvalPolicies).values({ teamId: DEMO_TEAM_ID, name: "policy", appliesTo: "all", ...values });
const addFreeze = (values: Partial<typeof freezeWindows.$inferInsert>) => deps.db.insert(freezeWindows).values({
  teamId: DEMO_TEAM_ID, name: "Release freeze", startsAt: new Date(NOW.getTime() - 3600_000),
  endsAt: new Date("2026-06-02T00:00:00.000Z"), ...values,
});

beforeEach(() => reseedDemo(env));

describe("assertDirectChangeAllowed: approval policies", () => {
  it("allows a change when no policy and no freeze exist", async () => {
    expect(await guard(PRODUCTION)).toEqual({ freezeOverride: null });
  });

  it("refuses every environment under an 'all' policy, even for a system admin", async () => {
    await addPolicy({ appliesTo: "all", name: "Everything" });
    for (const environmentId of [DEVELOPMENT, STAGING, PRODUCTION]) {
      expect(await failure(guard(environmentId, principal(null, true)))).toEqual({
        code: "FORBIDDEN", reason: "APPROVAL_REQUIRED",
        message: expect.stringContaining('protected by the approval policy "Everything"'),
      });
    }
  });

  it("refuses only production environments under a production_only policy", async () => {
    await addPolicy({ appliesTo: "production_only" });
    expect((await failure(guard(PRODUCTION))).reason).toBe("APPROVAL_REQUIRED");
    expect(await guard(STAGING)).toEqual({ freezeOverride: null });
    expect(await guard(DEVELOPMENT)).toEqual({ freezeOverride: null });
  });

  it("refuses only the listed environments under a specific policy", async () => {
    await addPolicy({ appliesTo: "specific", environmentIds: [STAGING] });
    expect((await failure(guard(STAGING))).reason).toBe("APPROVAL_REQUIRED");
    expect(await guard(PRODUCTION)).toEqual({ freezeOverride: null });
  });

  it("ignores disabled policies", async () => {
    await addPolicy({ appliesTo: "all", enabled: false });
    expect(await guard(PRODUCTION)).toEqual({ freezeOverride: null });
  });

  it("answers NOT_FOUND for an environment of another team", async () => {
    const error = await failure(assertDirectChangeAllowed(deps, principal("team_admin"), {
      teamId: "00000000-0000-4000-8000-0000000000ff", environmentId: PRODUCTION, featureId: FEATURE,
    }));
    expect(error.code).toBe("NOT_FOUND");
  });
});

describe("assertDirectChangeAllowed: freeze windows", () => {
  it("refuses a change during a freeze of the environment with CONFLICT / FROZEN", async () => {
    await addFreeze({ environmentId: PRODUCTION });
    expect(await failure(guard(PRODUCTION))).toEqual({
      code: "CONFLICT", reason: "FROZEN",
      message: 'Environment "Production" is frozen by "Release freeze" until 2026-06-02T00:00:00.000Z; a team admin may override with a reason',
    });
    expect(await guard(STAGING)).toEqual({ freezeOverride: null });
  });

  it("covers every environment of a frozen type", async () => {
    await addFreeze({ environmentType: "staging" });
    expect((await failure(guard(STAGING))).reason).toBe("FROZEN");
    expect(await guard(PRODUCTION)).toEqual({ freezeOverride: null });
  });

  it("ignores windows that ended or have not started", async () => {
    await addFreeze({ environmentId: PRODUCTION, startsAt: new Date("2026-05-01T00:00:00Z"), endsAt: NOW });
    await addFreeze({ environmentId: PRODUCTION, startsAt: new Date(NOW.getTime() + 1), endsAt: new Date("2026-07-01T00:00:00Z") });
    expect(await guard(PRODUCTION)).toEqual({ freezeOverride: null });
  });

  it("lets a team admin or a system admin override with a reason and returns it for the audit row", async () => {
    const [freeze] = await addFreeze({ environmentId: PRODUCTION }).returning();
    expect(await guard(PRODUCTION, principal("team_admin"), "  hotfix for incident 42 ")).toEqual({
      freezeOverride: { reason: "hotfix for incident 42", freezeWindowIds: [freeze!.id] },
    });
    expect(await guard(PRODUCTION, principal(null, true), "hotfix")).toEqual({
      freezeOverride: { reason: "hotfix", freezeWindowIds: [freeze!.id] },
    });
  });

  it("refuses an override by a non-admin and an empty reason", async () => {
    await addFreeze({ environmentId: PRODUCTION });
    for (const role of ["approver", "requester", "viewer"] as const) {
      expect(await failure(guard(PRODUCTION, principal(role), "hotfix"))).toMatchObject({ code: "FORBIDDEN", reason: "FROZEN" });
    }
    expect(await failure(guard(PRODUCTION, principal("team_admin"), "   "))).toMatchObject({ code: "BAD_USER_INPUT" });
  });

  it("checks the policy before the freeze: an override never bypasses approval", async () => {
    await addPolicy({ appliesTo: "production_only" });
    await addFreeze({ environmentId: PRODUCTION });
    expect((await failure(guard(PRODUCTION, principal("team_admin"), "hotfix"))).reason).toBe("APPROVAL_REQUIRED");
  });
});

describe("assertFeatureChangeAllowed: every environment of the feature", () => {
  const featureGuard = (who = principal("team_admin"), freezeOverrideReason?: string) => assertFeatureChangeAllowed(deps, who, {
    teamId: DEMO_TEAM_ID, featureId: FEATURE, environmentIds: [DEVELOPMENT, STAGING, PRODUCTION], freezeOverrideReason,
  });

  it("refuses when any environment is protected", async () => {
    await addPolicy({ appliesTo: "specific", environmentIds: [PRODUCTION] });
    expect((await failure(featureGuard())).reason).toBe("APPROVAL_REQUIRED");
  });

  it("collects the overridden freeze windows of every environment", async () => {
    const [a] = await addFreeze({ environmentId: STAGING }).returning();
    const [b] = await addFreeze({ environmentType: "production" }).returning();
    expect((await failure(featureGuard())).reason).toBe("FROZEN");
    expect(await featureGuard(principal("team_admin"), "hotfix")).toEqual({
      freezeOverride: { reason: "hotfix", freezeWindowIds: [a!.id, b!.id] },
    });
  });

  it("allows a change when nothing governs the environments", async () => {
    expect(await featureGuard()).toEqual({ freezeOverride: null });
  });
});
