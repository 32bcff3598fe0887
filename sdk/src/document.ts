// Checks a FlagSetDocument that came from outside the stream's own verification (bootstrap,
// storage, a snapshot frame) before the engine compiles it.
import { FLAG_SET_SCHEMA_VERSION, type FlagSetDocument } from "../../engine/types";
import type { SnapshotId } from "../../protocol/stream";

export function isFlagSetDocument(value: unknown): value is FlagSetDocument {
  if (typeof value !== "object" || value === null) return false;
  const doc = value as Partial<FlagSetDocument>;
  return doc.schemaVersion === FLAG_SET_SCHEMA_VERSION
    && typeof doc.version === "number" && Number.isInteger(doc.version)
    && typeof doc.contentHash === "string"
    && typeof doc.environment === "object" && doc.environment !== null
    && Array.isArray(doc.flags) && Array.isArray(doc.segments);
}

export function snapshotId(document: FlagSetDocument): SnapshotId {
  return { version: document.version, contentHash: document.contentHash };
}

export function sameSnapshot(a: SnapshotId | undefined, b: SnapshotId | undefined): boolean {
  return a !== undefined && b !== undefined && a.version === b.version && a.contentHash === b.contentHash;
}
