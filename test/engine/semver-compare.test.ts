// The evaluator compares context versions with compareToSemVer, which skips building a SemVer for
// release versions: it must agree with parse-then-compare on every input, versions or not.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareSemVer, parseSemVer } from "../../engine/index.ts";
import { compareToSemVer } from "../../engine/operators/semver.ts";

const reference = (value: unknown, b: NonNullable<ReturnType<typeof parseSemVer>>) => {
  const a = typeof value === "string" ? parseSemVer(value)
    : typeof value === "number" && Number.isFinite(value) && value >= 0 ? parseSemVer(String(value)) : null;
  return a === null ? Number.NaN : compareSemVer(a, b);
};

const part = fc.oneof(fc.constantFrom("0", "1", "2", "3", "10", "01", "", "x"), fc.nat({ max: 30 }).map(String));
const versionish = fc.oneof(
  fc.tuple(fc.constantFrom("", "v", "V"), part, fc.constantFrom("", "."), part, fc.constantFrom("", "."), part,
    fc.constantFrom("", "-alpha", "-rc.1", "-0", "-01", "+build.5", "-beta+exp", "-", " ")).map((p) => p.join("")),
  fc.string({ maxLength: 12 }),
);
const operand = fc.constantFrom("2.3.0", "2.3.0-rc.1", "1", "0.0.0", "10.2.3-alpha.beta", "v3.0.0+meta").map((v) => parseSemVer(v)!);

describe("compareToSemVer", () => {
  it("agrees with parseSemVer + compareSemVer on strings", () => {
    fc.assert(fc.property(versionish, operand, (value, b) => {
      expect(compareToSemVer(value, b)).toBe(reference(value, b));
    }), { numRuns: 5000 });
  });

  it("agrees on numbers and other values", () => {
    fc.assert(fc.property(fc.oneof(fc.double(), fc.integer(), fc.boolean(), fc.constant(null)), operand, (value, b) => {
      expect(compareToSemVer(value, b)).toBe(reference(value, b));
    }), { numRuns: 2000 });
  });

  it("ranks a release above its own prerelease and equal to itself", () => {
    expect(compareToSemVer("2.3.0", parseSemVer("2.3.0-rc.1")!)).toBe(1);
    expect(compareToSemVer("v2.3", parseSemVer("2.3.0")!)).toBe(0);
    expect(compareToSemVer("2.2.9", parseSemVer("2.3.0")!)).toBe(-1);
    expect(compareToSemVer("2.3.x", parseSemVer("2.3.0")!)).toBeNaN();
  });
});
