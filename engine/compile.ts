// compileFlagSet: turns a FlagSetDocument into the evaluator's form once per snapshot version.
// Rules are sorted by priority (ties keep array order), split ranges are precomputed, variant
// values are cloned and frozen (results share them safely), and every reference (variant,
// segment, prerequisite) is resolved to an index. Problems become diagnostics, never exceptions:
// the affected rule or condition simply never matches.
import { BUCKET_COUNT, rolloutThreshold } from "./bucket.ts";
import { compilePath, type AttributePath } from "./context.ts";
import {
  type CompileDiagnostic, type CompiledFlag, type CompiledFlagSet, type CompiledPrerequisite,
  type CompiledRule, type CompiledSegment, Scratch, ServeKind,
} from "./compiled.ts";
import { compileGroups, type ConditionScope } from "./conditions-compile.ts";
import { murmur3Prefix } from "./murmur3.ts";
import { FLAG_SET_SCHEMA_VERSION, type FlagDocument, type FlagSetDocument, type JsonValue, type RuleDocument } from "./types.ts";

/** Thrown only for a document this engine cannot read at all (wrong schema version or shape). */
export class FlagSetCompileError extends Error {
  constructor(readonly code: "UNSUPPORTED_SCHEMA_VERSION" | "MALFORMED_DOCUMENT", message: string) {
    super(message);
    this.name = "FlagSetCompileError";
  }
}

function frozenCopy(value: JsonValue): JsonValue {
  const copy = structuredClone(value);
  const freeze = (v: unknown): void => {
    if (v !== null && typeof v === "object") {
      Object.freeze(v);
      for (const child of Object.values(v)) freeze(child);
    }
  };
  freeze(copy);
  return copy;
}

function variantsOf(flag: FlagDocument): Map<string, JsonValue> {
  const entries = Object.entries(flag.variants ?? {});
  if (entries.length === 0 && flag.type === "boolean") {
    return new Map<string, JsonValue>([["on", true], ["off", false]]);
  }
  return new Map(entries.map(([k, v]) => [k, frozenCopy(v)]));
}

interface BucketSlots {
  next: number;
}

function compileRule(
  rule: RuleDocument,
  flag: FlagDocument,
  variants: ReadonlyMap<string, JsonValue>,
  slotOf: (path: AttributePath | null) => number,
  scope: ConditionScope,
): CompiledRule {
  const report = (message: string, code: CompileDiagnostic["code"] = "UNKNOWN_VARIANT") =>
    scope.report({ code, flag: flag.key, rule: rule.id, message });
  const groups = compileGroups(rule.match, scope);
  const serve = rule.serve;
  const base = {
    id: String(rule.id),
    priority: Number.isFinite(rule.priority) ? rule.priority : Number.MAX_VALUE,
    groups,
    threshold: 0,
    splitEnds: [] as number[],
    splitVariants: [] as string[],
    splitValues: [] as (JsonValue | undefined)[],
    bucketPath: null as AttributePath | null,
    bucketSlot: -1,
  };
  const known = (variant: unknown): variant is string => typeof variant === "string" && variants.has(variant);
  const bucketPathOf = (bucketBy: string | undefined) =>
    bucketBy === undefined || bucketBy === "" || bucketBy === "targetingKey" ? null : compilePath(bucketBy);

  if (serve?.kind === "variant") {
    const valid = known(serve.variant);
    if (!valid) report(`serve names unknown variant ${JSON.stringify(serve.variant)}`);
    return { ...base, kind: ServeKind.variant, valid, variant: String(serve.variant),
      value: valid ? variants.get(serve.variant) : undefined };
  }
  if (serve?.kind === "rollout") {
    const valid = known(serve.variant);
    if (!valid) report(`rollout names unknown variant ${JSON.stringify(serve.variant)}`);
    const bucketPath = bucketPathOf(serve.bucketBy);
    return { ...base, kind: ServeKind.rollout, valid, variant: String(serve.variant),
      value: valid ? variants.get(serve.variant) : undefined,
      threshold: rolloutThreshold(serve.percentage), bucketPath, bucketSlot: slotOf(bucketPath) };
  }
  if (serve?.kind === "split") {
    let valid = Array.isArray(serve.allocations);
    let end = 0;
    for (const allocation of valid ? serve.allocations : []) {
      if (!known(allocation.variant)) {
        report(`split names unknown variant ${JSON.stringify(allocation.variant)}`);
        valid = false;
      }
      const weight = Number.isInteger(allocation.weight) && allocation.weight > 0 ? allocation.weight : 0;
      if (weight !== allocation.weight) report(`split weight must be a non-negative integer`, "INVALID_SPLIT");
      if (end + weight > BUCKET_COUNT) report(`split weights exceed ${BUCKET_COUNT}; the excess is cut off`, "INVALID_SPLIT");
      end = Math.min(BUCKET_COUNT, end + weight);
      base.splitEnds.push(end);
      base.splitVariants.push(String(allocation.variant));
      base.splitValues.push(variants.get(allocation.variant));
    }
    const bucketPath = bucketPathOf(serve.bucketBy);
    return { ...base, kind: ServeKind.split, valid, variant: "", value: undefined, bucketPath,
      bucketSlot: slotOf(bucketPath) };
  }
  report(`unknown serve kind`, "INVALID_OPERAND");
  return { ...base, kind: ServeKind.variant, valid: false, variant: "", value: undefined };
}

function compileFlag(
  flag: FlagDocument,
  index: number,
  flagIndex: ReadonlyMap<string, number>,
  segmentIndex: ReadonlyMap<string, number>,
  slots: BucketSlots,
  report: (d: CompileDiagnostic) => void,
): CompiledFlag {
  const variants = variantsOf(flag);
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

  const prerequisites: CompiledPrerequisite[] = (flag.prerequisites ?? []).map((p) => {
    const target = flagIndex.get(p.key);
    if (target === undefined) {
      report({ code: "UNKNOWN_PREREQUISITE", flag: flag.key, message: `prerequisite ${JSON.stringify(p.key)} is not in this flag set` });
    }
    return { key: p.key, index: target ?? -1, variant: p.variant ?? null };
  });

  // One bucket slot per distinct bucketing source of this flag: rules bucketing by the same value
  // share one hash per evaluation.
  const localSlots = new Map<string, number>();
  const slotOf = (path: AttributePath | null) => {
    const name = path === null ? "\u0000targetingKey" : path.name;
    let slot = localSlots.get(name);
    if (slot === undefined) {
      slot = slots.next++;
      localSlots.set(name, slot);
    }
    return slot;
  };

  const ordered = (Array.isArray(flag.rules) ? flag.rules : [])
    .map((rule, position) => ({ rule, position }))
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
    }),
  );

  return {
    index,
    key: flag.key,
    type: flag.type,
    salt,
    saltPrefix: murmur3Prefix(salt),
    variants,
    offValue,
    offVariant,
    defaultValue,
    defaultVariant,
    deployed: flag.deployed === true,
    killed: flag.killed === true,
    prerequisites,
    rules,
  };
}

export function compileFlagSet(doc: FlagSetDocument): CompiledFlagSet {
  if (doc === null || typeof doc !== "object" || !Array.isArray(doc.flags)) {
    throw new FlagSetCompileError("MALFORMED_DOCUMENT", "a flag set document needs a flags array");
  }
  if (doc.schemaVersion !== FLAG_SET_SCHEMA_VERSION) {
    throw new FlagSetCompileError("UNSUPPORTED_SCHEMA_VERSION",
      `flag set schema version ${String(doc.schemaVersion)} is not ${FLAG_SET_SCHEMA_VERSION}`);
  }
  const diagnostics: CompileDiagnostic[] = [];
  const report = (d: CompileDiagnostic) => diagnostics.push(d);

  const segmentDocs = Array.isArray(doc.segments) ? doc.segments : [];
  const segmentIndex = new Map<string, number>();
  segmentDocs.forEach((s, i) => {
    if (segmentIndex.has(s.key)) report({ code: "DUPLICATE_KEY", segment: s.key, message: `segment ${s.key} appears twice; the first wins` });
    else segmentIndex.set(s.key, i);
  });
  const segments: CompiledSegment[] = segmentDocs.map((s) => ({
    key: s.key,
    included: new Set(Array.isArray(s.included) ? s.included : []),
    excluded: new Set(Array.isArray(s.excluded) ? s.excluded : []),
    groups: compileGroups(s.match, { segmentIndex, where: { segment: s.key }, report }),
  }));

  const flagIndex = new Map<string, number>();
  const flagDocs: FlagDocument[] = [];
  for (const flag of doc.flags) {
    if (flagIndex.has(flag.key)) {
      report({ code: "DUPLICATE_KEY", flag: flag.key, message: `flag ${flag.key} appears twice; the first wins` });
      continue;
    }
    flagIndex.set(flag.key, flagDocs.length);
    flagDocs.push(flag);
  }
  const slots: BucketSlots = { next: 0 };
  const flags = flagDocs.map((flag, i) => compileFlag(flag, i, flagIndex, segmentIndex, slots, report));

  return {
    version: doc.version,
    environment: doc.environment,
    flagKeys: flags.map((f) => f.key),
    diagnostics,
    flags,
    flagIndex,
    segments,
    scratch: new Scratch(flags.length, segments.length, slots.next),
  };
}
