// The governance-gap forms' checks, in the API's words: an admin override's reason, a mobile number.
import { describe, expect, test } from "vitest";
import { freezeReason, mobileProblems, overrideProblems } from "../app/lib/request-actions";

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
};

describe("governance forms", () => {
  test("an admin override needs a reason of at most 500 characters", () => {
    expect(overrideProblems(form({ reason: "   " }))).toEqual({ reason: "an admin override needs a reason" });
    expect(overrideProblems(form({ reason: "x".repeat(501) }))).toEqual({ reason: "must be at most 500 characters" });
    expect(overrideProblems(form({ reason: "Release blocker" }))).toEqual({});
  });

  test("a blank freeze override reason is none", () => {
    expect(freezeReason(form({ freezeOverrideReason: "  " }))).toBeNull();
    expect(freezeReason(form({ freezeOverrideReason: " Hotfix " }))).toBe("Hotfix");
  });

  test("a mobile number is empty (cleared) or E.164", () => {
    expect(mobileProblems(form({ mobile: "" }))).toEqual({});
    expect(mobileProblems(form({ mobile: "0151 555" }))).toEqual({ mobile: "must be an E.164 number such as +15551234567" });
    expect(mobileProblems(form({ mobile: "+0123456789" }))).toEqual({ mobile: "must be an E.164 number such as +15551234567" });
    expect(mobileProblems(form({ mobile: " +4915155512345 " }))).toEqual({});
  });
});
