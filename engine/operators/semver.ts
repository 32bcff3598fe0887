// Semantic versions per semver.org 2.0.0, with two leniencies: a leading "v"/"V", and partial
// versions ("2", "2.1") read as "2.0.0" / "2.1.0". Core components are numbers (up to 15 digits, so
// exact); numeric prerelease identifiers are compared by length then lexically, exact at any size.

export interface SemVer {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Dot-separated prerelease identifiers; empty for a release. Build metadata is dropped. */
  readonly prerelease: readonly string[];
}

const NO_PRERELEASE: readonly string[] = Object.freeze([]);
const NUMERIC = /^(0|[1-9][0-9]*)$/;
const IDENTIFIER = /^[0-9A-Za-z-]+$/;
/** Core components longer than this would lose precision as doubles; such versions are unreadable. */
const MAX_DIGITS = 15;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

// The core scanner's output (one evaluation runs at a time, so module-level scratch is safe and
// spares an allocation per read).
let scannedMajor = 0;
let scannedMinor = 0;
let scannedPatch = 0;

/**
 * Scans "[v]MAJOR[.MINOR[.PATCH]]" from the start of `input` into scanned*; returns the index
 * after it, or -1 when the core is unreadable.
 */
function scanCore(input: string): number {
  const n = input.length;
  let i = 0;
  if (n > 0 && (input.charCodeAt(0) === 118 || input.charCodeAt(0) === 86)) i = 1; // v / V
  scannedMajor = scannedMinor = scannedPatch = 0;
  let parts = 0;
  while (parts < 3) {
    const start = i;
    let value = 0;
    while (i < n && isDigit(input.charCodeAt(i))) value = value * 10 + (input.charCodeAt(i++) - 48);
    const digits = i - start;
    if (digits === 0 || digits > MAX_DIGITS) return -1;
    if (digits > 1 && input.charCodeAt(start) === 48) return -1; // no leading zeros
    if (parts === 0) scannedMajor = value;
    else if (parts === 1) scannedMinor = value;
    else scannedPatch = value;
    parts++;
    if (i < n && input.charCodeAt(i) === 46 /* . */ && parts < 3) i++;
    else break;
  }
  return i;
}

/** Hand-written scanner: a release version is read without regular expressions or substrings. */
export function parseSemVer(input: string): SemVer | null {
  const n = input.length;
  let i = scanCore(input);
  if (i < 0) return null;
  const major = scannedMajor;
  const minor = scannedMinor;
  const patch = scannedPatch;
  let prerelease = NO_PRERELEASE;
  if (i < n && input.charCodeAt(i) === 45 /* - */) {
    const plusAt = input.indexOf("+", i + 1);
    const ids = input.slice(i + 1, plusAt < 0 ? n : plusAt).split(".");
    for (const id of ids) {
      if (!IDENTIFIER.test(id)) return null;
      if (isDigit(id.charCodeAt(0)) && /^[0-9]+$/.test(id) && !NUMERIC.test(id)) return null;
    }
    prerelease = ids;
    i = plusAt < 0 ? n : plusAt;
  }
  if (i < n && input.charCodeAt(i) === 43 /* + */) {
    for (const id of input.slice(i + 1).split(".")) if (!IDENTIFIER.test(id)) return null;
    i = n;
  }
  if (i !== n) return null;
  return { major, minor, patch, prerelease };
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
  if (a.major !== b.major) return a.major < b.major ? -1 : 1;
  if (a.minor !== b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch !== b.patch) return a.patch < b.patch ? -1 : 1;
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

/**
 * compareSemVer(readSemVer(value), b) without allocating when the value is a release version (the
 * common case); NaN when the value is not a version.
 */
export function compareToSemVer(value: unknown, b: SemVer): number {
  const input = typeof value === "string" ? value
    : typeof value === "number" && Number.isFinite(value) && value >= 0 ? String(value) : undefined;
  if (input === undefined) return Number.NaN;
  if (scanCore(input) === input.length) {
    if (scannedMajor !== b.major) return scannedMajor < b.major ? -1 : 1;
    if (scannedMinor !== b.minor) return scannedMinor < b.minor ? -1 : 1;
    if (scannedPatch !== b.patch) return scannedPatch < b.patch ? -1 : 1;
    return b.prerelease.length === 0 ? 0 : 1; // a release ranks above its prereleases
  }
  const a = parseSemVer(input); // prerelease or build metadata
  return a === null ? Number.NaN : compareSemVer(a, b);
}

/** A context value read as a version: strings and finite numbers ("2" / 2.1); anything else null. */
export function readSemVer(value: unknown): SemVer | null {
  if (typeof value === "string") return parseSemVer(value);
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return parseSemVer(String(value));
  return null;
}
