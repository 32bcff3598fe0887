// Where a compiled flag set reads its flags and segments from, one at a time: a parsed document,
// or snapshot text whose flags are parsed only when first used (snapshot-text.ts). Keys are known
// up front (they build the indexes); the rest of a flag or segment is read when it compiles.
import type { FlagSetDocument } from "./types.ts";

export interface FlagSetParts {
  readonly schemaVersion: unknown;
  readonly version: number;
  readonly environment: FlagSetDocument["environment"];
  readonly contentHash: unknown;
  readonly flagCount: number;
  /** The flag's key, read without the rest of it; undefined when it has no string key. */
  flagKey(position: number): string | undefined;
  /** The flag's document, read once when the flag compiles; undefined when it cannot be read. */
  flagDocument(position: number): unknown;
  /**
   * Every flag's document at once, when reading them together is cheaper than one by one (snapshot
   * text: one JSON.parse of the flags array instead of 5,000); undefined when not available.
   */
  allFlagDocuments?(): readonly unknown[] | undefined;
  readonly segmentCount: number;
  segmentKey(position: number): string | undefined;
  segmentDocument(position: number): unknown;
  /**
   * The values handed out are this set's own (freshly parsed): the compiler may freeze them in
   * place. False for a caller's document, whose values are copied before freezing.
   */
  readonly owned: boolean;
}

const keyOf = (v: unknown): string | undefined =>
  v !== null && typeof v === "object" && typeof (v as { key?: unknown }).key === "string" ? (v as { key: string }).key : undefined;

/** Parts over a parsed document (arrays already checked by the caller). */
export function documentParts(doc: FlagSetDocument, owned: boolean): FlagSetParts {
  const flags: unknown[] = doc.flags;
  const segments: unknown[] = Array.isArray(doc.segments) ? doc.segments : [];
  return {
    schemaVersion: doc.schemaVersion,
    version: doc.version,
    environment: doc.environment,
    contentHash: doc.contentHash,
    flagCount: flags.length,
    flagKey: (i) => keyOf(flags[i]),
    flagDocument: (i) => flags[i],
    segmentCount: segments.length,
    segmentKey: (i) => keyOf(segments[i]),
    segmentDocument: (i) => segments[i],
    owned,
  };
}
