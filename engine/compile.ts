// compileFlagSet: turns a FlagSetDocument (or its snapshot text) into the evaluator's form. Only
// the indexes (keys to positions) are built up front; each flag and segment compiles when it is
// first used and is memoised, so a set's first answer costs one flag, whatever the set's size.
// Rules are sorted by priority (ties keep array order), split ranges are precomputed, variant
// values are cloned and frozen, every result an evaluation can return for a known flag is built
// here once and frozen (see results.ts), and every reference (variant, segment, prerequisite) is
// resolved to an index. Problems become diagnostics, never exceptions, and never widen targeting:
// the affected rule, condition or segment matches nobody.
import { BUCKET_COUNT, hashBound, rolloutThreshold } from "./bucket.ts";
import { compilePath, type AttributePath } from "./context.ts";
import {
  type CompileDiagnostic, type CompiledFlag, type CompiledFlagSet, type CompiledPrerequisite,
  type CompiledRule, type CompiledSegment, Scratch, ServeKind,
} from "./compiled.ts";
import { documentParts, type FlagSetParts } from "./flag-set-parts.ts";
import { snapshotTextParts } from "./snapshot-text.ts";
import { compileGroups, type ConditionScope } from "./conditions-compile.ts";
import { murmur3Prefix } from "./murmur3.ts";
import { frozenError, frozenMetadata, frozenResult } from "./results.ts";
import {
  type EvaluationResult, FLAG_SET_SCHEMA_VERSION, type FlagDocument, type FlagSetDocument, type JsonValue, type Metadata,
  type RuleDocument,
} from "./types.ts";

/** Thrown only for a document this engine cannot read at all (wrong schema version or shape). */
export class FlagSetCompileError extends Error {
  constructor(readonly code: "UNSUPPORTED_SCHEMA_VERSION" | "MALFORMED_DOCUMENT", message: string) {
    super(message);
    this.name = "FlagSetCompileError";
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** A value as it reads in a diagnostic: JSON where JSON can say it (NaN and Infinity cannot). */
const describe = (v: unknown): string => (typeof v === "number" ? String(v) : (JSON.stringify(v) ?? String(v)));

/** A frozen JSON value: the caller's value copied first unless the set owns it (freshly parsed). */
function frozenJson(value: JsonValue, owned: boolean): JsonValue {
  if (value === null || typeof value !== "object") return value;
  const copy = owned ? value : plainCopy(value);
  const freeze = (v: unknown): void => {
    if (v !== null && typeof v === "object" && !Object.isFrozen(v)) {
      Object.freeze(v);
      for (const child of Object.values(v)) freeze(child);
    }
  };
  freeze(copy);
  return copy;
}

/** Deep copy of JSON arrays and plain objects (much cheaper than structuredClone); anything else is cloned. */
function plainCopy(value: JsonValue): JsonValue {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(plainCopy);
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  // fromEntries defines own properties, so a "__proto__" key stays data.
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainCopy(v)]));
}

function variantsOf(flag: FlagDocument, owned: boolean): Map<string, JsonValue> {
  const entries = isObject(flag.variants) ? Object.entries(flag.variants) : [];
  if (entries.length === 0 && flag.type === "boolean") {
    return new Map<string, JsonValue>([["on", true], ["off", false]]);
  }
  return new Map(entries.map(([k, v]) => [k, frozenJson(v, owned)]));
}

function compileRule(
  rule: RuleDocument,
  flag: FlagDocument,
  variants: ReadonlyMap<string, JsonValue>,
  slotOf: (path: AttributePath | null) => number,
  scope: ConditionScope,
  baseMetadata: Readonly<Metadata>,
): CompiledRule {
  const report = (message: string, code: CompileDiagnostic["code"] = "UNKNOWN_VARIANT") =>
    scope.report({ code, flag: flag.key, rule: String(rule.id), message });
  // A match that cannot be read never widens targeting: the rule is dropped, not "matches everyone".
  const groups = compileGroups(rule.match, scope);
  const id = String(rule.id);
  const priority = Number.isFinite(rule.priority) ? rule.priority : Number.MAX_VALUE;
  const metadata = frozenMetadata({ ...baseMetadata, ruleId: id, rulePriority: priority });
  const serve: unknown = rule.serve;
  const base = {
    id, priority, groups: groups ?? [], kind: ServeKind.variant, valid: groups !== null,
    result: null as EvaluationResult | null, threshold: 0, splitEnds: [] as number[],
    splitResults: [] as EvaluationResult[], missingBucket: null as EvaluationResult | null,
    bucketPath: null as AttributePath | null, bucketSlot: -1,
  };
  const known = (variant: unknown): variant is string => typeof variant === "string" && variants.has(variant);
  const served = (variant: string, reason: "TARGETING_MATCH" | "SPLIT") =>
    frozenResult(flag.key, variants.get(variant), variant, reason, metadata);
  /** Bucketing source of a rollout or split; undefined when `bucketBy` is unreadable. */
  const bucketing = (bucketBy: unknown): Pick<CompiledRule, "bucketPath" | "bucketSlot" | "missingBucket"> | undefined => {
    if (bucketBy !== undefined && typeof bucketBy !== "string") {
      report(`bucketBy must be an attribute name`, "INVALID_SERVE");
      return undefined;
    }
    const bucketPath = bucketBy === undefined || bucketBy === "" || bucketBy === "targetingKey" ? null : compilePath(bucketBy);
    const source = bucketPath === null ? "targetingKey" : `attribute ${bucketPath.name}`;
    return { bucketPath, bucketSlot: slotOf(bucketPath), missingBucket: frozenError(flag.key, "TARGETING_KEY_MISSING",
      `rule ${id} needs a bucket but the ${source} is missing or empty`, metadata) };
  };

  if (!isObject(serve)) {
    report(`serve must be an object`, "INVALID_SERVE");
    return { ...base, valid: false };
  }
  if (serve.kind === "variant") {
    if (!known(serve.variant)) {
      report(`serve names unknown variant ${JSON.stringify(serve.variant)}`);
      return { ...base, valid: false };
    }
    return { ...base, result: served(serve.variant, "TARGETING_MATCH") };
  }
  if (serve.kind === "rollout") {
    let valid = base.valid;
    if (!known(serve.variant)) {
      report(`rollout names unknown variant ${JSON.stringify(serve.variant)}`);
      valid = false;
    }
    const percentage = serve.percentage;
    if (typeof percentage !== "number" || !(percentage >= 0 && percentage <= 100)) {
      report(`rollout percentage must be a number from 0 to 100, got ${describe(percentage)}`, "INVALID_ROLLOUT");
      valid = false;
    }
    const source = bucketing(serve.bucketBy);
    if (!valid || source === undefined) return { ...base, kind: ServeKind.rollout, valid: false };
    return { ...base, ...source, kind: ServeKind.rollout, result: served(serve.variant as string, "SPLIT"),
      threshold: hashBound(rolloutThreshold(percentage as number)) };
  }
  if (serve.kind === "split") {
    let valid = base.valid;
    const allocations: unknown = serve.allocations;
    if (!Array.isArray(allocations)) {
      report(`split allocations must be a list`, "INVALID_SPLIT");
      return { ...base, kind: ServeKind.split, valid: false };
    }
    let end = 0;
    for (const allocation of allocations as unknown[]) {
      if (!isObject(allocation)) {
        report(`split allocation must be an object`, "INVALID_SPLIT");
        valid = false;
        continue;
      }
      if (!known(allocation.variant)) {
        report(`split names unknown variant ${JSON.stringify(allocation.variant)}`);
        valid = false;
      }
      const weight = allocation.weight;
      if (typeof weight !== "number" || !Number.isInteger(weight) || weight < 0) {
        report(`split weight must be a non-negative integer, got ${describe(weight)}`, "INVALID_SPLIT");
        valid = false;
        continue;
      }
      end += weight;
      base.splitEnds.push(hashBound(Math.min(end, BUCKET_COUNT)));
      if (known(allocation.variant)) base.splitResults.push(served(allocation.variant, "SPLIT"));
    }
    if (end > BUCKET_COUNT) {
      report(`split weights sum to ${end}, more than ${BUCKET_COUNT}`, "INVALID_SPLIT");
      valid = false;
    }
    const source = bucketing(serve.bucketBy);
    if (!valid || source === undefined) return { ...base, kind: ServeKind.split, valid: false };
    return { ...base, ...source, kind: ServeKind.split };
  }
  report(`unknown serve kind ${describe(serve.kind)}`, "INVALID_SERVE");
  return { ...base, valid: false };
}

function compileFlag(
  flag: FlagDocument,
  index: number,
  flagIndex: ReadonlyMap<string, number>,
  segmentIndex: ReadonlyMap<string, number>,
  newSlot: () => number,
  report: (d: CompileDiagnostic) => void,
  baseMetadata: Readonly<Metadata>,
  owned: boolean,
): CompiledFlag {
  const variants = variantsOf(flag, owned);
  const salt = typeof flag.salt === "string" ? flag.salt : flag.key;
  const variantValue = (name: string | null | undefined, role: string): [JsonValue | undefined, string | undefined] => {
    if (name === null || name === undefined) return [undefined, undefined];
    if (!variants.has(name)) {
      report({ code: "UNKNOWN_VARIANT", flag: flag.key, message: `${role} names unknown variant ${JSON.stringify(name)}` });
      return [undefined, undefined];
    }
    return [variants.get(name), name];
  };

  let [offValue, offVariant] = variantValue(flag.offVariant, "offVariant");
  if (offVariant === undefined && flag.type === "boolean") {
    // Boolean flags are off = false; name the variant that holds false when there is one.
    offValue = false;
    for (const [name, value] of variants) if (value === false) { offVariant = name; break; }
  }
  let [defaultValue, defaultVariant] = variantValue(flag.defaultVariant, "defaultVariant");
  if (defaultVariant === undefined) [defaultValue, defaultVariant] = [offValue, offVariant];

  const offWith = (metadata: Readonly<Metadata>) => frozenResult(flag.key, offValue, offVariant, "DISABLED", metadata);
  // An unreadable prerequisite list or entry counts as a prerequisite that is never on: the flag
  // stays off rather than skipping a gate.
  const rawPrerequisites: unknown = flag.prerequisites;
  const prerequisiteDocs: unknown[] = rawPrerequisites === undefined || rawPrerequisites === null ? []
    : Array.isArray(rawPrerequisites) ? rawPrerequisites : [rawPrerequisites];
  const prerequisites = prerequisiteDocs.map((p): CompiledPrerequisite => {
    const key = isObject(p) && typeof p.key === "string" ? p.key : undefined;
    const target = key === undefined ? undefined : flagIndex.get(key);
    if (target === undefined) {
      report({ code: "UNKNOWN_PREREQUISITE", flag: flag.key, message: key === undefined
        ? `prerequisite ${describe(p)} is unreadable; the flag stays off`
        : `prerequisite ${JSON.stringify(key)} is not in this flag set` });
    }
    const name = key ?? "";
    const variant = isObject(p) && typeof p.variant === "string" ? p.variant : null;
    return { key: name, index: target ?? -1, variant, failed: offWith(frozenMetadata({ ...baseMetadata, failedPrerequisite: name })) };
  });

  // One hash cache slot per bucketing source that several rules of this flag share, so they hash
  // once per evaluation; a source with one rule needs no cache.
  const ruleDocs: unknown[] = Array.isArray(flag.rules) ? flag.rules : [];
  const sourceName = (bucketBy: unknown) =>
    bucketBy === undefined || bucketBy === "" || bucketBy === "targetingKey" ? "\u0000targetingKey" : String(bucketBy);
  const users = new Map<string, number>();
  for (const rule of ruleDocs) {
    const serve = isObject(rule) && isObject(rule.serve) ? rule.serve : undefined;
    if (serve?.kind !== "rollout" && serve?.kind !== "split") continue;
    const name = sourceName(serve.bucketBy);
    users.set(name, (users.get(name) ?? 0) + 1);
  }
  const localSlots = new Map<string, number>();
  const slotOf = (path: AttributePath | null) => {
    const name = sourceName(path === null ? undefined : path.name);
    if ((users.get(name) ?? 0) < 2) return -1;
    let slot = localSlots.get(name);
    if (slot === undefined) {
      slot = newSlot();
      localSlots.set(name, slot);
    }
    return slot;
  };

  if (!Array.isArray(flag.rules) && flag.rules !== undefined) {
    report({ code: "MALFORMED_RULE", flag: flag.key, message: `rules must be a list; the flag serves its default` });
  }
  const ordered = ruleDocs
    .flatMap((rule, position) => {
      if (isObject(rule)) return [{ rule: rule as unknown as RuleDocument, position }];
      report({ code: "MALFORMED_RULE", flag: flag.key, message: `rule ${position} is not an object; it never matches` });
      return [];
    })
    .sort((a, b) => {
      const pa = Number.isFinite(a.rule.priority) ? a.rule.priority : Number.MAX_VALUE;
      const pb = Number.isFinite(b.rule.priority) ? b.rule.priority : Number.MAX_VALUE;
      return pa - pb || a.position - b.position;
    });
  const rules = ordered.map(({ rule }) =>
    compileRule(rule, flag, variants, slotOf, {
      segmentIndex,
      where: { flag: flag.key, rule: String(rule.id) },
      report,
    }, baseMetadata),
  );

  return {
    index,
    key: flag.key,
    type: flag.type,
    salt,
    saltPrefix: murmur3Prefix(salt),
    variants,
    offResult: offWith(baseMetadata),
    defaultResult: frozenResult(flag.key, defaultValue, defaultVariant, ruleDocs.length === 0 ? "STATIC" : "DEFAULT", baseMetadata),
    deployed: flag.deployed === true,
    killed: flag.killed === true,
    prerequisites,
    rules,
  };
}

/** Included keys: the string entries of a list; anything else makes the segment malformed. */
function segmentKeys(list: unknown, role: string, key: string, report: (d: CompileDiagnostic) => void): { keys: Set<string>; ok: boolean } {
  if (list === undefined) return { keys: new Set(), ok: true };
  if (!Array.isArray(list)) {
    report({ code: "MALFORMED_SEGMENT", segment: key, message: `${role} must be a list of targeting keys` });
    return { keys: new Set(), ok: false };
  }
  const keys = new Set<string>();
  let ok = true;
  for (const entry of list as unknown[]) {
    if (typeof entry === "string") keys.add(entry);
    else ok = false;
  }
  if (!ok) report({ code: "MALFORMED_SEGMENT", segment: key, message: `${role} holds entries that are not strings` });
  return { keys, ok };
}

function compileSegment(
  s: Record<string, unknown>,
  key: string,
  segmentIndex: ReadonlyMap<string, number>,
  report: (d: CompileDiagnostic) => void,
): CompiledSegment {
  let diagnostics = 0;
  const counting = (d: CompileDiagnostic) => {
    diagnostics++;
    report(d);
  };
  const included = segmentKeys(s.included, "included", key, counting);
  const excluded = segmentKeys(s.excluded, "excluded", key, counting);
  const groups = compileGroups(s.match, { segmentIndex, where: { segment: key }, report: counting });
  // Anything the engine could not read faithfully (shape, operator, operand) leaves only the valid
  // included keys as members; not_in_segment over such a segment never holds (see conditions.ts).
  const malformed = diagnostics > 0;
  return {
    key,
    included: included.keys,
    excluded: excluded.keys,
    groups: malformed || groups === null ? [] : groups,
    malformed,
  };
}

/**
 * A flag whose document could not be read back from snapshot text (its slice is not JSON, or not
 * the flag the layout names): it serves a PARSE_ERROR, so callers fall back to their default.
 */
function unreadableFlag(key: string, index: number, baseMetadata: Readonly<Metadata>): CompiledFlag {
  const error = frozenError(key, "PARSE_ERROR", `flag ${key} could not be read from the snapshot`, baseMetadata);
  return {
    index, key, type: "json", salt: key, saltPrefix: murmur3Prefix(key), variants: new Map(),
    offResult: error, defaultResult: error, deployed: false, killed: false, prerequisites: [], rules: [],
  };
}

const NO_DIAGNOSTICS: readonly CompileDiagnostic[] = Object.freeze([]);

/** A compiled set whose flags and segments compile on first use (see CompiledFlagSet). */
class LazyFlagSet implements CompiledFlagSet {
  readonly version: number;
  readonly environment: FlagSetDocument["environment"];
  readonly contentHash: string;
  readonly flagKeys: readonly string[];
  readonly flagIndex: ReadonlyMap<string, number>;
  readonly scratch: Scratch;
  readonly baseMetadata: Readonly<Metadata>;
  private readonly flags: (CompiledFlag | undefined)[];
  private readonly segments: (CompiledSegment | undefined)[];
  private readonly flagProblems: (readonly CompileDiagnostic[])[];
  private readonly segmentProblems: (readonly CompileDiagnostic[])[];
  private all: readonly CompileDiagnostic[] | undefined;
  private uncompiled: number;
  private readonly newSlot = () => this.scratch.addBucketSlot();

  constructor(
    private readonly parts: FlagSetParts,
    /** Document positions of the readable, first-of-their-key flags and segments. */
    private readonly flagPositions: readonly number[],
    private readonly segmentPositions: readonly number[],
    private readonly segmentIndex: ReadonlyMap<string, number>,
    flagKeys: string[],
    flagIndex: Map<string, number>,
    /** Problems found while indexing: segments' and flags' (missing or duplicate keys). */
    private readonly indexProblems: { segments: CompileDiagnostic[]; flags: CompileDiagnostic[] },
  ) {
    this.version = parts.version;
    this.environment = parts.environment;
    this.contentHash = typeof parts.contentHash === "string" ? parts.contentHash : "";
    this.flagKeys = flagKeys;
    this.flagIndex = flagIndex;
    this.baseMetadata = frozenMetadata({ flagSetVersion: parts.version, environment: parts.environment?.key });
    this.flags = new Array<CompiledFlag | undefined>(flagKeys.length).fill(undefined);
    this.segments = new Array<CompiledSegment | undefined>(segmentPositions.length).fill(undefined);
    this.flagProblems = new Array<readonly CompileDiagnostic[]>(flagKeys.length).fill(NO_DIAGNOSTICS);
    this.segmentProblems = new Array<readonly CompileDiagnostic[]>(segmentPositions.length).fill(NO_DIAGNOSTICS);
    this.scratch = new Scratch(flagKeys.length, segmentPositions.length, 0);
    this.uncompiled = flagKeys.length;
  }

  flag(index: number): CompiledFlag {
    return this.flags[index] ?? this.compileFlagAt(index);
  }

  segment(index: number): CompiledSegment {
    return this.segments[index] ?? this.compileSegmentAt(index);
  }

  allFlags(): readonly CompiledFlag[] {
    if (this.uncompiled > 0) {
      // Most flags still unread: one parse of them all is cheaper than one parse per flag.
      const documents = this.uncompiled > this.flags.length / 4 ? this.parts.allFlagDocuments?.() : undefined;
      for (let i = 0; i < this.flags.length; i++) {
        if (this.flags[i] === undefined) this.compileFlagAt(i, documents?.[this.flagPositions[i]!]);
      }
    }
    return this.flags as CompiledFlag[];
  }

  get diagnostics(): readonly CompileDiagnostic[] {
    if (this.all === undefined) {
      for (let i = 0; i < this.segments.length; i++) this.segment(i);
      this.allFlags();
      this.all = [
        ...this.indexProblems.segments, ...this.segmentProblems.flat(),
        ...this.indexProblems.flags, ...this.flagProblems.flat(),
      ];
    }
    return this.all;
  }

  private compileFlagAt(index: number, document?: unknown): CompiledFlag {
    const key = this.flagKeys[index]!;
    const problems: CompileDiagnostic[] = [];
    const report = (d: CompileDiagnostic) => problems.push(d);
    const doc = document ?? this.parts.flagDocument(this.flagPositions[index]!);
    this.uncompiled--;
    let flag: CompiledFlag;
    if (isObject(doc) && doc.key === key) {
      flag = compileFlag(doc as unknown as FlagDocument, index, this.flagIndex, this.segmentIndex, this.newSlot, report,
        this.baseMetadata, this.parts.owned);
    } else {
      report({ code: "MALFORMED_FLAG", flag: key, message: `flag ${key} could not be read from the snapshot; it serves an error` });
      flag = unreadableFlag(key, index, this.baseMetadata);
    }
    if (problems.length > 0) this.flagProblems[index] = problems;
    this.flags[index] = flag;
    return flag;
  }

  private compileSegmentAt(index: number): CompiledSegment {
    const position = this.segmentPositions[index]!;
    const key = this.parts.segmentKey(position)!;
    const problems: CompileDiagnostic[] = [];
    const report = (d: CompileDiagnostic) => problems.push(d);
    const doc = this.parts.segmentDocument(position);
    let segment: CompiledSegment;
    if (isObject(doc) && doc.key === key) segment = compileSegment(doc, key, this.segmentIndex, report);
    else {
      report({ code: "MALFORMED_SEGMENT", segment: key, message: `segment ${key} could not be read from the snapshot; only its absence is known` });
      segment = { key, included: new Set(), excluded: new Set(), groups: [], malformed: true };
    }
    if (problems.length > 0) this.segmentProblems[index] = problems;
    this.segments[index] = segment;
    return segment;
  }
}

export interface CompileOptions {
  /**
   * The caller hands the document over and never changes it again (a document just parsed or
   * received over RPC): flags compile on first use and its JSON values are frozen in place.
   * Without it a document is compiled whole at once, so later changes to it cannot reach the set.
   */
  owned?: boolean;
}

/**
 * The evaluator's form of a flag set: a FlagSetDocument, or its snapshot text as KV holds it
 * (snapshot-text.ts: flags parsed on first use when the text carries a layout). For text and
 * owned documents indexing is the only work done here; flags and segments compile when first
 * evaluated (evaluateAll compiles all), so the first answer costs one flag, not the whole set.
 */
export function compileFlagSet(input: FlagSetDocument | string, options: CompileOptions = {}): CompiledFlagSet {
  let parts: FlagSetParts;
  if (typeof input === "string") {
    try {
      parts = snapshotTextParts(input);
    } catch (error) {
      throw new FlagSetCompileError("MALFORMED_DOCUMENT", error instanceof Error ? error.message : String(error));
    }
  } else {
    if (input === null || typeof input !== "object" || !Array.isArray(input.flags)) {
      throw new FlagSetCompileError("MALFORMED_DOCUMENT", "a flag set document needs a flags array");
    }
    parts = documentParts(input, options.owned === true);
  }
  if (parts.schemaVersion !== FLAG_SET_SCHEMA_VERSION) {
    throw new FlagSetCompileError("UNSUPPORTED_SCHEMA_VERSION",
      `flag set schema version ${String(parts.schemaVersion)} is not ${FLAG_SET_SCHEMA_VERSION}`);
  }
  const segments: CompileDiagnostic[] = [];
  const segmentIndex = new Map<string, number>();
  const segmentPositions: number[] = [];
  for (let i = 0; i < parts.segmentCount; i++) {
    const key = parts.segmentKey(i);
    if (key === undefined) {
      segments.push({ code: "MALFORMED_SEGMENT", message: `a segment without a string key is ignored; references to it are unknown` });
      continue;
    }
    if (segmentIndex.has(key)) {
      segments.push({ code: "DUPLICATE_KEY", segment: key, message: `segment ${key} appears twice; the first wins` });
      continue;
    }
    segmentIndex.set(key, segmentPositions.length);
    segmentPositions.push(i);
  }

  const flags: CompileDiagnostic[] = [];
  const flagIndex = new Map<string, number>();
  const flagKeys: string[] = [];
  const flagPositions: number[] = [];
  for (let i = 0; i < parts.flagCount; i++) {
    const key = parts.flagKey(i);
    if (key === undefined) {
      flags.push({ code: "MALFORMED_FLAG", message: `a flag without a string key is ignored` });
      continue;
    }
    if (flagIndex.has(key)) {
      flags.push({ code: "DUPLICATE_KEY", flag: key, message: `flag ${key} appears twice; the first wins` });
      continue;
    }
    flagIndex.set(key, flagKeys.length);
    flagKeys.push(key);
    flagPositions.push(i);
  }
  const set = new LazyFlagSet(parts, flagPositions, segmentPositions, segmentIndex, flagKeys, flagIndex, { segments, flags });
  if (!parts.owned) void set.diagnostics; // compiles everything now: the caller keeps its document
  return set;
}
