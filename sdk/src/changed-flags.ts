// Which flags may evaluate differently after a change: the flags a delta puts or removes, plus
// flags whose rules test a changed segment, plus (transitively) flags that have any of those as a
// prerequisite. CONFIGURATION_CHANGED carries this list, so a UI re-renders exactly what moved.
import { compareKeys } from "../../protocol/flag-set-delta";
import type { ConditionGroup, FlagDocument, FlagSetDocument, SegmentDocument } from "../../engine/types";

/** Keys of flags that differ (or may evaluate differently) between two documents. */
export function changedFlags(before: FlagSetDocument | undefined, after: FlagSetDocument): string[] {
  if (!before) return after.flags.map((f) => f.key).sort(compareKeys);
  const direct = new Set([...changedKeys(before.flags, after.flags)]);
  const segments = new Set(changedKeys(before.segments, after.segments));
  const all = [...after.flags];
  if (segments.size > 0) {
    for (const flag of all) if (usesSegment(flag, segments)) direct.add(flag.key);
  }
  // Prerequisite closure: a flag whose prerequisite changed may change too.
  let grew = direct.size > 0;
  while (grew) {
    grew = false;
    for (const flag of all) {
      if (!direct.has(flag.key) && flag.prerequisites.some((p) => direct.has(p.key))) {
        direct.add(flag.key);
        grew = true;
      }
    }
  }
  return [...direct].sort(compareKeys);
}

function changedKeys<T extends FlagDocument | SegmentDocument>(before: T[], after: T[]): string[] {
  const old = new Map(before.map((item) => [item.key, JSON.stringify(item)]));
  const keys: string[] = [];
  for (const item of after) if (old.get(item.key) !== JSON.stringify(item)) keys.push(item.key);
  const kept = new Set(after.map((item) => item.key));
  for (const item of before) if (!kept.has(item.key)) keys.push(item.key);
  return keys;
}

function usesSegment(flag: FlagDocument, segments: Set<string>): boolean {
  return flag.rules.some((rule) => groupsUse(rule.match, segments));
}

function groupsUse(groups: ConditionGroup[], segments: Set<string>): boolean {
  for (const group of groups) {
    for (const condition of group.conditions) {
      if (condition.operator !== "in_segment" && condition.operator !== "not_in_segment") continue;
      const operands = Array.isArray(condition.value) ? condition.value : [condition.value];
      if (operands.some((key) => typeof key === "string" && segments.has(key))) return true;
    }
  }
  return false;
}
