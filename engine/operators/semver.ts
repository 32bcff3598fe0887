// Semantic versions per semver.org 2.0.0, with two leniencies: a leading "v"/"V", and partial
// versions ("2", "2.1") read as "2.0.0" / "2.1.0". Numeric identifiers are kept as digit strings and
// compared by length then lexically, so arbitrarily large numbers compare exactly.

export interface SemVer {
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  /** Dot-separated prerelease identifiers; empty for a release. Build metadata is dropped. */
  readonly prerelease: readonly string[];
}

const NUMERIC = /^(0|[1-9][0-9]*)$/;
const IDENTIFIER = /^[0-9A-Za-z-]+$/;

export function parseSemVer(input: string): SemVer | null {
  let text = input;
  if (text.length > 0 && (text.charCodeAt(0) === 118 || text.charCodeAt(0) === 86)) text = text.slice(1);
  const plus = text.indexOf("+");
  if (plus >= 0) {
    const build = text.slice(plus + 1).split(".");
    for (const id of build) if (!IDENTIFIER.test(id)) return null;
    text = text.slice(0, plus);
  }
  let prerelease: string[] = [];
  const dash = text.indexOf("-");
  if (dash >= 0) {
    prerelease = text.slice(dash + 1).split(".");
    for (const id of prerelease) {
      if (!IDENTIFIER.test(id)) return null;
      // Numeric identifiers must not have leading zeros.
      if (/^[0-9]+$/.test(id) && !NUMERIC.test(id)) return null;
    }
    text = text.slice(0, dash);
  }
  const core = text.split(".");
  if (core.length < 1 || core.length > 3) return null;
  for (const part of core) if (!NUMERIC.test(part)) return null;
  return { major: core[0] as string, minor: core[1] ?? "0", patch: core[2] ?? "0", prerelease };
}

function compareNumeric(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function isNumeric(id: string): boolean {
  return NUMERIC.test(id);
}

/** semver.org precedence: -1, 0 or 1. */
export function compareSemVer(a: SemVer, b: SemVer): number {
  const core =
    compareNumeric(a.major, b.major) || compareNumeric(a.minor, b.minor) || compareNumeric(a.patch, b.patch);
  if (core !== 0) return core;
  const pa = a.prerelease;
  const pb = b.prerelease;
  // A release ranks above any of its prereleases.
  if (pa.length === 0 || pb.length === 0) return pa.length === pb.length ? 0 : pa.length === 0 ? 1 : -1;
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (x === y) continue;
    const xn = isNumeric(x);
    const yn = isNumeric(y);
    if (xn && yn) return compareNumeric(x, y);
    if (xn !== yn) return xn ? -1 : 1; // numeric identifiers rank below alphanumeric ones
    return x < y ? -1 : 1;
  }
  return pa.length === pb.length ? 0 : pa.length < pb.length ? -1 : 1;
}

/** A context value read as a version: strings and finite numbers ("2" / 2.1); anything else null. */
export function readSemVer(value: unknown): SemVer | null {
  if (typeof value === "string") return parseSemVer(value);
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return parseSemVer(String(value));
  return null;
}
