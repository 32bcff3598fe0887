// The delivery settings' form models (web/app/lib/settings-forms/): what each form refuses before it
// is sent (mirroring the API's checks) and what it sends; the freeze window form's time zones.
import { describe, expect, test } from "vitest";
import { type PolicyValues, policyProblems } from "../app/lib/settings-forms/approval-policies";
import { channelProblems, readChannel } from "../app/lib/settings-forms/channels";
import { clientProblems, parseOrigins } from "../app/lib/settings-forms/clients";
import { type FreezeValues, freezeProblems } from "../app/lib/settings-forms/freeze-windows";
import { parsePercentages, readTemplate, templateProblems } from "../app/lib/settings-forms/templates";
import { utcToZoned, zonedToUtc } from "../app/lib/zoned-time";

const form = (entries: [string, string][]) => {
  const data = new FormData();
  for (const [name, value] of entries) data.append(name, value);
  return data;
};

describe("client form", () => {
  const base = { name: "Shop", description: "", kind: "web" as const, environmentId: "env-1", webOrigins: [] as string[] };
  test("needs a name and, when created, an environment", () => {
    expect(clientProblems({ ...base, name: "", environmentId: "" }, false)).toEqual({
      name: "Name the client.", environmentId: "Choose the environment the client evaluates in.",
    });
    expect(clientProblems({ ...base, environmentId: "" }, true)).toEqual({});
  });
  test("takes origins one per line and refuses anything but a bare origin, or origins on a server client", () => {
    expect(parseOrigins(" https://a.example.com\nhttps://b.example.com:8443, https://a.example.com\n")).toEqual(["https://a.example.com", "https://b.example.com:8443"]);
    expect(clientProblems({ ...base, webOrigins: ["https://a.example.com/"] }, false).webOrigins)
      .toBe('"https://a.example.com/" is not an origin: write http(s)://host[:port], lowercase, without path or trailing slash.');
    expect(clientProblems({ ...base, webOrigins: ["https://A.example.com"] }, false).webOrigins).toContain("is not an origin");
    expect(clientProblems({ ...base, webOrigins: ["http://localhost:5173"] }, false)).toEqual({});
    expect(clientProblems({ ...base, kind: "server", webOrigins: ["https://a.example.com"] }, false).webOrigins)
      .toBe("Only web clients have allowed origins: choose the web type or clear them.");
  });
});

describe("approval policy form", () => {
  const base: PolicyValues = {
    name: "Prod", appliesTo: "production_only", environmentIds: [], requiredApprovals: 1, eligibleRoles: ["approver"], eligibleUserIds: [],
    autoApproveAfterHours: null, allowAdminOverride: false, fallbackToRoles: true, enabled: true,
  };
  test("refuses what the API refuses", () => {
    expect(policyProblems(base)).toEqual({});
    expect(policyProblems({ ...base, appliesTo: "specific" }).environmentIds).toBe("A specific policy lists at least one environment.");
    expect(policyProblems({ ...base, requiredApprovals: 11 }).requiredApprovals).toBe("Between 1 and 10 approvals.");
    expect(policyProblems({ ...base, eligibleRoles: [] }).eligibleRoles).toBe("Name eligible roles or users (or both).");
    expect(policyProblems({ ...base, eligibleRoles: [], eligibleUserIds: ["u1"] })).toEqual({});
    expect(policyProblems({ ...base, autoApproveAfterHours: 721 }).autoApproveAfterHours).toBe("A whole number of hours from 1 to 720, or blank for never.");
  });
});

describe("freeze window form", () => {
  const base: FreezeValues = {
    name: "Holidays", target: "type", environmentId: "", environmentType: "production", start: "2026-12-24T18:00", end: "2026-12-27T08:00",
    timezone: "Europe/Paris", recurrence: "NONE", reason: "",
  };
  test("checks the target, the zone, the order and a recurring window's length", () => {
    expect(freezeProblems(base)).toEqual({});
    expect(freezeProblems({ ...base, target: "environment" }).environmentId).toBe("Choose the environment it freezes.");
    expect(freezeProblems({ ...base, timezone: "Mars/Olympus" }).timezone).toBe('"Mars/Olympus" is not an IANA time zone (e.g. Europe/Paris).');
    expect(freezeProblems({ ...base, end: "2026-12-24T17:00" }).end).toBe("It must end after it starts.");
    expect(freezeProblems({ ...base, recurrence: "DAILY" }).end).toBe("A daily window lasts less than a day.");
    expect(freezeProblems({ ...base, recurrence: "WEEKLY" })).toEqual({});
    expect(freezeProblems({ ...base, start: "" }).start).toBe("When does it start?");
  });
  test("reads start and end on the zone's wall clock, across daylight saving", () => {
    expect(zonedToUtc("2026-12-24T18:00", "Europe/Paris")!.toISOString()).toBe("2026-12-24T17:00:00.000Z");
    expect(zonedToUtc("2026-07-01T09:30", "Europe/Paris")!.toISOString()).toBe("2026-07-01T07:30:00.000Z");
    expect(zonedToUtc("2026-03-08T12:00", "America/New_York")!.toISOString()).toBe("2026-03-08T16:00:00.000Z");
    expect(zonedToUtc("2026-12-24T18:00", "UTC")!.toISOString()).toBe("2026-12-24T18:00:00.000Z");
    expect(zonedToUtc("24/12/2026", "UTC")).toBeNull();
    expect(utcToZoned("2026-12-24T17:00:00.000Z", "Europe/Paris")).toBe("2026-12-24T18:00");
    expect(utcToZoned("2026-07-01T07:30:00.000Z", "Asia/Kolkata")).toBe("2026-07-01T13:00");
  });
});

describe("rollout template form", () => {
  test("sends only the defaults given, and refuses ramp steps that do not increase", () => {
    const values = readTemplate(form([["name", "Slow"], ["type", "canary"], ["percentages", "5, 25%, 100"], ["intervalMinutes", "1440"], ["environmentIds", "e1"], ["deploy", "no"]]));
    expect(values.defaults).toEqual({ environmentIds: ["e1"], percentages: [5, 25, 100], intervalMinutes: 1440, deploy: false });
    expect(templateProblems(values)).toEqual({});
    expect(parsePercentages("10 50 100")).toEqual([10, 50, 100]);
    expect(templateProblems(readTemplate(form([["name", "x"], ["percentages", "50, 10"]]))).percentages)
      .toBe("Step 2: percentages from 0 to 100, each more than the step before (e.g. 10, 50, 100).");
    expect(templateProblems(readTemplate(form([["name", "x"], ["intervalMinutes", "0"]]))).intervalMinutes).toBe("A whole number of minutes from 1 to 10080 (7 days).");
    expect(templateProblems(readTemplate(form([["name", ""]]))).name).toBe("Name the template.");
  });
});

describe("notification channel forms", () => {
  test("leave blank secrets out (the stored ones stay) but require them the first time", () => {
    const input = readChannel("webhook", form([["enabled", "on"], ["format", "json"], ["url", ""], ["signingSecret", ""]]));
    expect(input).toEqual({ enabled: true, format: "json" });
    expect(channelProblems("webhook", input, true)).toEqual({});
    expect(channelProblems("webhook", input, false)).toEqual({
      url: "The URL is required the first time.", signingSecret: "The signing secret is required the first time.",
    });
    expect(channelProblems("webhook", { enabled: true, url: "hooks", signingSecret: "short" }, false)).toEqual({
      url: "Enter a URL such as https://hooks.example.com/fluxgate.", signingSecret: "At least 16 characters.",
    });
  });
  test("check email and SMS settings as the API does", () => {
    expect(channelProblems("email", readChannel("email", form([["endpoint", "https://api.example.com/emails"], ["from", "ops@example.com"], ["apiKey", "k"]])), true))
      .toEqual({ apiKey: "At least 8 characters." });
    expect(channelProblems("sms", readChannel("sms", form([["accountSid", "AC123"], ["fromNumber", "555"]])), true)).toEqual({
      accountSid: "A Twilio account SID: AC followed by 32 hex digits.", fromNumber: "An E.164 number such as +15551234567.",
    });
  });
});
