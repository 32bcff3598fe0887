// Flag set documents with real content hashes, and the deltas between them, for SDK tests.
import type { FlagDocument, FlagSetDocument } from "../../../../engine/types";
import { diffFlagSets, flagSetContentHash } from "../../../../protocol/flag-set-delta";
import type { DeltaMessage } from "../../../../protocol/stream";

export const ENVIRONMENT = { id: "00000000-0000-4000-8000-0000000000e1", key: "development", name: "Development", type: "development" } as const;

export function booleanFlag(key: string, on: boolean): FlagDocument {
  return {
    key, type: "boolean", salt: key, variants: { on: true, off: false }, offVariant: "off",
    defaultVariant: on ? "on" : "off", deployed: true, killed: false, prerequisites: [], rules: [],
  };
}

export function stringFlag(key: string, value: string): FlagDocument {
  return {
    key, type: "string", salt: key, variants: { only: value }, offVariant: null,
    defaultVariant: "only", deployed: true, killed: false, prerequisites: [], rules: [],
  };
}

/** A document with its real content hash. */
export async function documentOf(version: number, flags: FlagDocument[]): Promise<FlagSetDocument> {
  const sorted = [...flags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const base = { schemaVersion: 1 as const, environment: { ...ENVIRONMENT }, flags: sorted, segments: [] };
  return { ...base, version, generatedAt: `2026-11-25T10:00:${String(version % 60).padStart(2, "0")}.000Z`, contentHash: await flagSetContentHash(base) };
}

export const deltaOf = (previous: FlagSetDocument, next: FlagSetDocument): DeltaMessage => diffFlagSets(previous, next);
