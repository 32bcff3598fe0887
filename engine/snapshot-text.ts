// The snapshot as text (what KV stores): the document's JSON, written so that a reader can load
// one flag without parsing the others. The flags and segments arrays are followed by a last
// member, "layout", that lists each element's key and where its JSON starts and ends:
//
//   {"schemaVersion":1,...,"contentHash":"..","segments":[S0,S1],"flags":[F0,F1,..],
//    "layout":{"v":1,"head":H,"segmentKeys":[..],"segmentBounds":[..],"flagKeys":[..],"flagBounds":[..]}}
//
// H is where the head members end (the comma before "segments"); element i of an array spans
// text.slice(bounds[i], bounds[i + 1] - 1) (elements are separated by one comma, and the last
// bound is one past the closing bracket). The text stays a plain FlagSetDocument for any JSON
// reader (the extra member is ignored). Parsing 4 MB of JSON costs tens of milliseconds even in
// V8; reading the layout of 5,000 flags costs about one, and each flag is parsed when it is first
// evaluated. Text without a usable layout (an older writer, any other JSON) is parsed whole.
import { documentParts, type FlagSetParts } from "./flag-set-parts.ts";
import type { FlagSetDocument } from "./types.ts";

const LAYOUT = ',"layout":{"v":1,';

interface Layout {
  head: number;
  segmentKeys: string[];
  segmentBounds: number[];
  flagKeys: string[];
  flagBounds: number[];
}

/** The document as snapshot text with its layout. Any "layout" member of the document is replaced. */
export function snapshotText(doc: FlagSetDocument): string {
  const { flags, segments, layout: _previous, ...head } = doc as FlagSetDocument & { layout?: unknown };
  let text = JSON.stringify(head);
  text = text.slice(0, -1);
  const headEnd = text.length;
  const elements = (name: string, items: readonly unknown[]) => {
    text += `${text.length > 1 ? "," : ""}"${name}":[`;
    const bounds: number[] = [];
    items.forEach((item, i) => {
      if (i > 0) text += ",";
      bounds.push(text.length);
      text += JSON.stringify(item) ?? "null";
    });
    text += "]";
    bounds.push(text.length);
    return bounds;
  };
  const segmentBounds = elements("segments", segments ?? []);
  const flagBounds = elements("flags", flags);
  const keys = (items: readonly unknown[]) =>
    items.map((item) => (item !== null && typeof item === "object" && typeof (item as { key?: unknown }).key === "string"
      ? (item as { key: string }).key : null));
  return text + LAYOUT + JSON.stringify({
    head: headEnd, segmentKeys: keys(segments ?? []), segmentBounds, flagKeys: keys(flags), flagBounds,
  }).slice(1) + "}";
}

/** Thrown for text that is not JSON at all. */
export class SnapshotTextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SnapshotTextError";
  }
}

/** The parts of snapshot text: per-flag parsing through its layout, else the whole text parsed once. */
export function snapshotTextParts(text: string): FlagSetParts {
  const layout = readLayout(text);
  if (layout === undefined) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (error) {
      throw new SnapshotTextError(`snapshot text is not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (doc === null || typeof doc !== "object" || !Array.isArray((doc as FlagSetDocument).flags)) {
      throw new SnapshotTextError("a flag set document needs a flags array");
    }
    return documentParts(doc as FlagSetDocument, true);
  }
  const head = JSON.parse(text.slice(0, layout.head) + "}") as Partial<FlagSetDocument>;
  const element = (bounds: number[], i: number): unknown => {
    try {
      return JSON.parse(text.slice(bounds[i]!, bounds[i + 1]! - 1));
    } catch {
      return undefined; // the compiler reports the flag or segment as unreadable
    }
  };
  const key = (keys: unknown[], i: number) => (typeof keys[i] === "string" ? keys[i] as string : undefined);
  return {
    schemaVersion: head.schemaVersion,
    version: head.version as number,
    environment: head.environment as FlagSetDocument["environment"],
    contentHash: head.contentHash,
    flagCount: layout.flagKeys.length,
    flagKey: (i) => key(layout.flagKeys, i),
    flagDocument: (i) => element(layout.flagBounds, i),
    allFlagDocuments: () => {
      const bounds = layout.flagBounds;
      const count = layout.flagKeys.length;
      // From the array's "[" to its "]": the first bound is just after "[" (after "[]" when empty).
      const open = bounds[0]! - (count === 0 ? 2 : 1);
      try {
        const all = JSON.parse(text.slice(open, bounds[count]!)) as unknown;
        return Array.isArray(all) && all.length === count ? all : undefined;
      } catch {
        return undefined; // one flag is damaged: read them one by one, so only that one fails
      }
    },
    segmentCount: layout.segmentKeys.length,
    segmentKey: (i) => key(layout.segmentKeys, i),
    segmentDocument: (i) => element(layout.segmentBounds, i),
    owned: true,
  };
}

/** The layout when the text carries a consistent one; undefined means "parse it whole". */
function readLayout(text: string): Layout | undefined {
  const at = text.lastIndexOf(LAYOUT);
  if (at < 0 || !text.endsWith("}}")) return undefined;
  let layout: Layout;
  try {
    layout = JSON.parse("{" + text.slice(at + LAYOUT.length, -1)) as Layout;
  } catch {
    return undefined;
  }
  /** Keys and bounds agree, and the array opened at `start` closes just before `end`. */
  const fits = (keys: unknown, bounds: unknown, start: number, end: number): boolean => {
    if (!Array.isArray(keys) || !Array.isArray(bounds) || bounds.length !== keys.length + 1) return false;
    if (bounds[0] !== (keys.length === 0 ? start + 1 : start) || bounds[keys.length] !== end || text[end - 1] !== "]") return false;
    for (let i = 1; i < bounds.length; i++) {
      if (!Number.isInteger(bounds[i]) || (bounds[i] as number) <= (bounds[i - 1] as number)) return false;
    }
    return true;
  };
  const SEGMENTS = ',"segments":[';
  const FLAGS = ',"flags":[';
  const { head, segmentKeys, segmentBounds, flagKeys, flagBounds } = layout;
  if (!Number.isInteger(head) || !text.startsWith(SEGMENTS, head) || !Array.isArray(segmentBounds)) return undefined;
  const segmentsEnd = segmentBounds[segmentBounds.length - 1] as number;
  if (!fits(segmentKeys, segmentBounds, head + SEGMENTS.length, segmentsEnd)) return undefined;
  if (!text.startsWith(FLAGS, segmentsEnd) || !fits(flagKeys, flagBounds, segmentsEnd + FLAGS.length, at)) return undefined;
  return layout;
}
