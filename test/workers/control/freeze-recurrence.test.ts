// Recurring freeze windows: the occurrence maths in workerd's Intl (a daily window keeps its local
// hours across a DST change, a weekly weekend window, one crossing midnight, DST gaps and
// overlaps), and through /graphql: creation, the change guard honouring recurrence,
// activeFreezeWindows reporting the current occurrence, bad input and roles.
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_TEAM_ID, demoStageId } from "../../../db/seed/demo-data";
import { instantOf, occurrenceAt, wallClock, type FreezeTiming } from "../../../workers/admin/governance/freeze-occurrence";
import { ALL_ROLES, freshStart, tokenOf } from "./support/actors";
import { CREATE_FREEZE, REQUEST_ROLLBACK, stageStatus } from "./support/governance";
import { codes, gql, ok } from "./support/graphql";
import type { Role } from "./support/sessions";

const HOUR = 3_600_000;
const iso = (t: number | Date) => new Date(t).toISOString();
const at = (timing: FreezeTiming, now: string) => {
  const occurrence = occurrenceAt(timing, new Date(now));
  return occurrence && [iso(occurrence.startsAt), iso(occurrence.endsAt)];
};

describe("freeze occurrences", () => {
  // 09:00-17:00 Paris every day from Friday 27 March 2026 (CET, UTC+1); clocks go to CEST (UTC+2) on the 29th.
  const officeHours: FreezeTiming = {
    startsAt: new Date("2026-03-27T08:00:00Z"), endsAt: new Date("2026-03-27T16:00:00Z"), timezone: "Europe/Paris", recurrence: "DAILY",
  };

  it("a daily window keeps its local hours across the DST change", () => {
    expect(at(officeHours, "2026-03-26T10:00:00Z")).toBeNull(); // before the first occurrence
    expect(at(officeHours, "2026-03-28T08:30:00Z")).toEqual(["2026-03-28T08:00:00.000Z", "2026-03-28T16:00:00.000Z"]);
    expect(at(officeHours, "2026-03-30T07:30:00Z")).toEqual(["2026-03-30T07:00:00.000Z", "2026-03-30T15:00:00.000Z"]); // 09:30 CEST
    expect(at(officeHours, "2026-03-30T15:30:00Z")).toBeNull(); // 17:30 CEST, though 16:30 CET would still be frozen
    expect(at(officeHours, "2026-03-30T06:59:59Z")).toBeNull();
    expect(at(officeHours, "2026-10-26T15:59:00Z")).toEqual(["2026-10-26T08:00:00.000Z", "2026-10-26T16:00:00.000Z"]); // CET again
  });

  it("a one-off window (NONE) covers exactly [startsAt, endsAt)", () => {
    const once = { ...officeHours, recurrence: "NONE" as const };
    expect(at(once, "2026-03-27T08:00:00Z")).toEqual(["2026-03-27T08:00:00.000Z", "2026-03-27T16:00:00.000Z"]);
    expect(at(once, "2026-03-27T16:00:00Z")).toBeNull();
    expect(at(once, "2026-03-28T08:30:00Z")).toBeNull();
  });

  it("a daily window crossing midnight is found from the day after it started", () => {
    const nights: FreezeTiming = { ...officeHours, startsAt: new Date("2026-03-27T21:00:00Z"), endsAt: new Date("2026-03-28T01:00:00Z") };
    expect(at(nights, "2026-04-01T23:30:00Z")).toEqual(["2026-04-01T20:00:00.000Z", "2026-04-02T00:00:00.000Z"]); // 01:30 CEST
    expect(at(nights, "2026-04-02T00:00:00Z")).toBeNull();
  });

  it("a weekly weekend window (Friday 16:00 to Monday 08:00 New York) follows the local clock", () => {
    // First occurrence: Fri 6 March 16:00 EST (21:00Z) to Mon 9 March 08:00 EDT (12:00Z); US DST began on the 8th.
    const weekend: FreezeTiming = {
      startsAt: new Date("2026-03-06T21:00:00Z"), endsAt: new Date("2026-03-09T12:00:00Z"), timezone: "America/New_York", recurrence: "WEEKLY",
    };
    expect(at(weekend, "2026-03-14T12:00:00Z")).toEqual(["2026-03-13T20:00:00.000Z", "2026-03-16T12:00:00.000Z"]);
    expect(at(weekend, "2026-03-11T15:00:00Z")).toBeNull(); // a Wednesday
    expect(at(weekend, "2026-03-16T12:00:00Z")).toBeNull(); // Monday 08:00 EDT: over
    expect(at(weekend, "2026-11-02T12:59:00Z")).toEqual(["2026-10-30T20:00:00.000Z", "2026-11-02T13:00:00.000Z"]); // ends 08:00 EST
  });

  it("maps wall times through DST gaps (shifted forward) and overlaps (the first instant)", () => {
    expect(iso(instantOf(Date.UTC(2026, 2, 29, 2, 30), "Europe/Paris"))).toBe("2026-03-29T01:30:00.000Z"); // 02:30 never happens: 03:30 CEST
    expect(iso(instantOf(Date.UTC(2026, 9, 25, 2, 30), "Europe/Paris"))).toBe("2026-10-25T00:30:00.000Z"); // 02:30 CEST, the first of two
    expect(iso(wallClock(Date.parse("2026-10-25T01:30:00Z"), "Europe/Paris"))).toBe("2026-10-25T02:30:00.000Z"); // the second one, CET
  });
});

const ACTIVE = /* GraphQL */ `query($teamId: ID!) { activeFreezeWindows(teamId: $teamId) { window { name recurrence timezone } startsAt endsAt } }`;
const LIST = /* GraphQL */ `query($teamId: ID!) { freezeWindows(teamId: $teamId) { name recurrence } }`;
const PROD_STAGE = demoStageId("dark_mode", "production");

async function addRecurring(input: Record<string, unknown>) {
  return ok(await gql(CREATE_FREEZE.replace("reason }", "reason timezone recurrence }"), {
    input: { teamId: DEMO_TEAM_ID, name: "Nightly freeze", environmentType: "production", recurrence: "DAILY", ...input },
  }, await tokenOf("teamadmin"))).createFreezeWindow;
}

describe("recurring freeze windows through /graphql", () => {
  beforeEach(freshStart);

  it("freeze today's occurrence: the change guard refuses, activeFreezeWindows reports the occurrence", async () => {
    const now = Date.now();
    // The first occurrence ended 23 hours ago; today's runs from an hour ago to an hour from now.
    const created = await addRecurring({ startsAt: iso(now - 25 * HOUR), endsAt: iso(now - 23 * HOUR) });
    expect(created).toMatchObject({ timezone: "UTC", recurrence: "DAILY", environmentType: "production" });
    const answer = await gql(REQUEST_ROLLBACK, { stageId: PROD_STAGE }, await tokenOf("teamadmin"));
    expect([codes(answer), answer.errors![0]!.extensions!.reason]).toEqual([["CONFLICT"], "FROZEN"]);
    expect(answer.errors![0]!.message).toBe(
      `Environment "Production" is frozen by "Nightly freeze" until ${iso(now + HOUR)}; a team admin may override with a reason`,
    );
    expect(ok(await gql(ACTIVE, { teamId: DEMO_TEAM_ID }, await tokenOf("viewer"))).activeFreezeWindows).toEqual([
      { window: { name: "Nightly freeze", recurrence: "DAILY", timezone: "UTC" }, startsAt: iso(now - HOUR), endsAt: iso(now + HOUR) },
    ]);
    expect(ok(await gql(LIST, { teamId: DEMO_TEAM_ID }, await tokenOf("viewer"))).freezeWindows).toEqual([{ name: "Nightly freeze", recurrence: "DAILY" }]);
  });

  it("let changes through between occurrences", async () => {
    const now = Date.now();
    await addRecurring({ startsAt: iso(now - 22 * HOUR), endsAt: iso(now - 21 * HOUR), timezone: "Europe/Paris" });
    expect(ok(await gql(ACTIVE, { teamId: DEMO_TEAM_ID }, await tokenOf("viewer"))).activeFreezeWindows).toEqual([]);
    expect(ok(await gql(REQUEST_ROLLBACK, { stageId: PROD_STAGE }, await tokenOf("teamadmin"))).requestRollback.status).toBe("ROLLED_BACK");
    expect(await stageStatus(PROD_STAGE)).toBe("ROLLED_BACK");
  });

  it("validate timezone and period with field paths", async () => {
    const token = await tokenOf("teamadmin");
    const field = async (input: Record<string, unknown>) => {
      const answer = await gql(CREATE_FREEZE, { input: {
        teamId: DEMO_TEAM_ID, name: "f", environmentId: DEMO_ENVIRONMENT_IDS.production, startsAt: "2026-01-01T00:00:00Z", endsAt: "2026-01-01T08:00:00Z", ...input,
      } }, token);
      return [codes(answer), answer.errors?.[0]?.extensions?.field];
    };
    expect(await field({ timezone: "Mars/Olympus_Mons" })).toEqual([["BAD_USER_INPUT"], "input.timezone"]);
    expect(await field({ recurrence: "DAILY", endsAt: "2026-01-02T00:00:00Z" })).toEqual([["BAD_USER_INPUT"], "input.endsAt"]);
    expect(await field({ recurrence: "WEEKLY", endsAt: "2026-01-08T00:00:00Z" })).toEqual([["BAD_USER_INPUT"], "input.endsAt"]);
    expect(await field({ recurrence: "WEEKLY", endsAt: "2026-01-07T23:00:00Z", timezone: "Asia/Tokyo" })).toEqual([[], undefined]);
    const hourly = await gql(CREATE_FREEZE, { input: { teamId: DEMO_TEAM_ID, name: "f", environmentType: "production", startsAt: "2026-01-01T00:00:00Z", endsAt: "2026-01-01T01:00:00Z", recurrence: "HOURLY" } }, token);
    expect([hourly.data ?? null, hourly.errors?.[0]?.message]).toEqual([null, expect.stringContaining('"FreezeRecurrence"')]);
  });

  const expected: Record<Role, string | null> = {
    admin: null, teamadmin: null, approver: null, requester: null, viewer: null, outsider: "NOT_FOUND",
  };
  for (const role of ALL_ROLES) {
    it(`activeFreezeWindows as ${role}: ${expected[role] ?? "allowed"}`, async () => {
      expect(codes(await gql(ACTIVE, { teamId: DEMO_TEAM_ID }, await tokenOf(role)))).toEqual(expected[role] ? [expected[role]] : []);
    });
  }
});
