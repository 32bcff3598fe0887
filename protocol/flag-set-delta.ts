// Deltas between two versions of an environment's FlagSetDocument: the object computes them on
// publish, the SDK applies them. Both sides keep flags and segments sorted by key (the order the
// snapshot builder reads them from D1), so an applied delta reproduces the published document
// byte for byte and its content hash can be checked. Pure; runs in workerd, Node and browsers.
import type { FlagDocument, FlagSetDocument, SegmentDocument } from "../engine/types";
import { sha256Hex } from "./secret-hash";
import type { DeltaMessage } from "./stream";

/**
 * SHA-256 hex of a document's content: everything but version, generatedAt and contentHash, in
 * the builder's key order. The one definition the object (when it versions) and the SDK (when
 * it verifies an applied delta) share.
 */
export function flagSetContentHash(document: Pick<FlagSetDocument, "schemaVersion" | "environment" | "flags" | "segments">): Promise<string> {
  const { schemaVersion, environment, flags, segments } = document;
  return sha256Hex(JSON.stringify({ schemaVersion, environment, flags, segments }));
}

/** The delta that turns `previous` into `next`; `next.version` must be `previous.version + 1`. */
export function diffFlagSets(previous: FlagSetDocument, next: FlagSetDocument): DeltaMessage {
  const flags = diffByKey(previous.flags, next.flags);
  const segments = diffByKey(previous.segments, next.segments);
  return {
    type: "delta",
    fromVersion: previous.version,
    version: next.version,
    contentHash: next.contentHash,
    generatedAt: next.generatedAt,
    environment: next.environment,
    flags,
    segments,
  };
}

/** Keys of the flags a delta adds, changes or removes (for change events). */
export function changedFlagKeys(delta: DeltaMessage): string[] {
  return [...delta.flags.put.map((f) => f.key), ...delta.flags.removed].sort(compareKeys);
}

export class DeltaGapError extends Error {
  readonly code = "DELTA_GAP";
  constructor(readonly heldVersion: number, readonly delta: Pick<DeltaMessage, "fromVersion" | "version">) {
    super(`delta ${delta.fromVersion}->${delta.version} does not follow the held version ${heldVersion}`);
  }
}

/**
 * The document after the delta. Throws DeltaGapError unless the delta starts at the held version:
 * the caller then asks for a snapshot instead of serving a document with a hole in it. The result
 * carries the delta's contentHash; verify it with flagSetContentHash where integrity matters.
 */
export function applyDelta(document: FlagSetDocument, delta: DeltaMessage): FlagSetDocument {
  if (delta.fromVersion !== document.version || delta.version !== document.version + 1) {
    throw new DeltaGapError(document.version, delta);
  }
  return {
    schemaVersion: document.schemaVersion,
    environment: delta.environment,
    version: delta.version,
    generatedAt: delta.generatedAt,
    contentHash: delta.contentHash,
    flags: applyByKey(document.flags, delta.flags),
    segments: applyByKey(document.segments, delta.segments),
  };
}

type Keyed = FlagDocument | SegmentDocument;

function diffByKey<T extends Keyed>(before: T[], after: T[]): { put: T[]; removed: string[] } {
  const old = new Map(before.map((item) => [item.key, JSON.stringify(item)]));
  const put = after.filter((item) => old.get(item.key) !== JSON.stringify(item));
  const kept = new Set(after.map((item) => item.key));
  const removed = before.filter((item) => !kept.has(item.key)).map((item) => item.key);
  return { put, removed };
}

function applyByKey<T extends Keyed>(items: T[], change: { put: T[]; removed: string[] }): T[] {
  if (change.put.length === 0 && change.removed.length === 0) return items;
  const byKey = new Map(items.map((item) => [item.key, item]));
  for (const key of change.removed) byKey.delete(key);
  for (const item of change.put) byKey.set(item.key, item);
  return [...byKey.values()].sort((a, b) => compareKeys(a.key, b.key));
}

/** SQLite's BINARY collation (UTF-8 byte order, i.e. code point order), which ORDER BY key uses. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
