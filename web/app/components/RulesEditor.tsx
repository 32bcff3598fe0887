// A stage's ordered rules: drag a rule by its handle (pointer, or keyboard: Space to lift, arrows
// to move, Space to drop) or use Move up / Move down; the order is the evaluation order. Saved as a
// whole list (setStageRules, or an approval request where the environment is protected).
import { closestCenter, DndContext, KeyboardSensor, PointerSensor, useSensor, useSensors, type DragEndEvent } from "@dnd-kit/core";
import { SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { useHere } from "~/lib/use-here";
import { Form, useNavigation } from "@remix-run/react";
import { useEffect, useId, useRef, useState } from "react";
import type { AttributeHint } from "~/lib/attribute-hints";
import { fromRuleValue, moveItem, newRule, ruleProblems, toRuleInputs, type RuleDraft, type RuleValue } from "~/lib/rules";
import { ConditionBuilder } from "./ConditionBuilder";
import { SplitEditor } from "./SplitEditor";

interface Props {
  stageId: string;
  stageVersion: number;
  rules: RuleValue[];
  variants: string[];
  segments: string[];
  /** The team's context attributes, suggested in every condition. */
  attributes?: AttributeHint[];
  canEdit: boolean;
  envName: string;
}

export function RulesEditor({ stageId, stageVersion, rules, variants, segments, attributes = [], canEdit, envName }: Props) {
  const here = useHere();
  const [drafts, setDrafts] = useState<RuleDraft[]>(() => rules.map(fromRuleValue));
  const [announcement, setAnnouncement] = useState("");
  // dnd-kit keeps the first announcements object it is given: read the current list through a ref.
  const current = useRef(drafts);
  current.current = drafts;
  const busy = useNavigation().state === "submitting";
  // New data from the server (saved, or changed by someone else) replaces the drafts.
  const serverKey = JSON.stringify(rules);
  useEffect(() => setDrafts(rules.map(fromRuleValue)), [serverKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const sensors = useSensors(useSensor(PointerSensor), useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }));
  const problems = ruleProblems(drafts);
  const dirty = JSON.stringify(toRuleInputs(drafts)) !== JSON.stringify(toRuleInputs(rules.map(fromRuleValue)));
  const update = (key: string, next: RuleDraft) => setDrafts((list) => list.map((r) => (r.key === key ? next : r)));
  const move = (from: number, to: number) => {
    if (to < 0 || to >= drafts.length) return;
    setDrafts((list) => moveItem(list, from, to));
    setAnnouncement(`${label(drafts[from]!, from)} moved to position ${to + 1} of ${drafts.length}.`);
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    move(drafts.findIndex((r) => r.key === active.id), drafts.findIndex((r) => r.key === over.id));
  };
  return (
    <Form method="post" action={here} className="stack" onSubmit={(e) => { if (problems.size > 0) e.preventDefault(); }}>
      <input type="hidden" name="intent" value="saveRules" />
      <input type="hidden" name="stageId" value={stageId} />
      <input type="hidden" name="expectedVersion" value={stageVersion} />
      <input type="hidden" name="rules" value={JSON.stringify(toRuleInputs(drafts))} />
      <p className="sr-only" aria-live="polite">{announcement}</p>
      {drafts.length === 0 && <p className="empty">No rules in {envName}: everyone gets the default variant.</p>}
      <DndContext id={`rules-${stageId}`} sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}
        accessibility={{ announcements: {
          onDragStart: ({ active }) => `Picked up ${describe(current.current, active.id)}.`,
          onDragOver: ({ active, over }) => over ? `${describe(current.current, active.id)} is over position ${current.current.findIndex((r) => r.key === over.id) + 1}.` : "",
          onDragEnd: ({ active, over }) => over ? `${describe(current.current, active.id)} dropped at position ${current.current.findIndex((r) => r.key === over.id) + 1}.` : "Dropped.",
          onDragCancel: () => "Reordering cancelled.",
        } }}>
        <SortableContext items={drafts.map((r) => r.key)} strategy={verticalListSortingStrategy}>
          <ol className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label={`Rules in ${envName}, in evaluation order`}>
            {drafts.map((rule, index) => (
              <SortableRule key={rule.key} rule={rule} index={index} count={drafts.length} canEdit={canEdit}
                variants={variants} segments={segments} hints={attributes} problem={problems.get(rule.key)}
                onChange={(next) => update(rule.key, next)} onMove={(to) => move(index, to)}
                onRemove={() => setDrafts((list) => list.filter((r) => r.key !== rule.key))} />
            ))}
          </ol>
        </SortableContext>
      </DndContext>
      {canEdit && (
        <div className="row">
          <button type="button" onClick={() => setDrafts((list) => [...list, newRule(variants[0] ?? "")])}>Add rule</button>
          <button type="submit" className="primary" disabled={!dirty || problems.size > 0 || busy}>Save rules</button>
          {dirty && <button type="button" onClick={() => setDrafts(rules.map(fromRuleValue))}>Discard changes</button>}
        </div>
      )}
    </Form>
  );
}

const label = (rule: RuleDraft, index: number) => rule.name.trim() || `Rule ${index + 1}`;
const describe = (drafts: RuleDraft[], key: string | number) => {
  const index = drafts.findIndex((r) => r.key === key);
  return index >= 0 ? label(drafts[index]!, index) : "rule";
};

function SortableRule({ rule, index, count, canEdit, variants, segments, hints, problem, onChange, onMove, onRemove }: {
  rule: RuleDraft; index: number; count: number; canEdit: boolean; variants: string[]; segments: string[]; hints: AttributeHint[]; problem?: string;
  onChange: (r: RuleDraft) => void; onMove: (to: number) => void; onRemove: () => void;
}) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id: rule.key, disabled: !canEdit });
  const id = useId();
  const name = label(rule, index);
  return (
    <li ref={setNodeRef} className="rule" data-rule={name}
      style={{ transform: CSS.Transform.toString(transform), transition, opacity: isDragging ? 0.7 : 1, position: "relative", zIndex: isDragging ? 2 : undefined }}>
      <div className="rule-head">
        {canEdit && (
          <button type="button" ref={setActivatorNodeRef} className="drag-handle" {...attributes} {...listeners}
            aria-label={`Reorder ${name} (position ${index + 1} of ${count}): press Space, then arrow keys`}>⠿</button>
        )}
        <span className="badge">{index + 1}</span>
        <label htmlFor={`${id}-name`} className="sr-only">Name of rule {index + 1}</label>
        <input id={`${id}-name`} value={rule.name} placeholder={`Rule ${index + 1}`} disabled={!canEdit}
          onChange={(e) => onChange({ ...rule, name: e.target.value })} />
        <label className="small" style={{ fontWeight: 400 }}>
          <input type="checkbox" checked={rule.enabled} disabled={!canEdit} onChange={(e) => onChange({ ...rule, enabled: e.target.checked })} /> enabled
        </label>
        {canEdit && (
          <>
            <button type="button" onClick={() => onMove(index - 1)} disabled={index === 0} aria-label={`Move ${name} up`}>↑</button>
            <button type="button" onClick={() => onMove(index + 1)} disabled={index === count - 1} aria-label={`Move ${name} down`}>↓</button>
            <button type="button" onClick={onRemove} aria-label={`Delete ${name}`}>Delete</button>
          </>
        )}
      </div>
      <ConditionBuilder groups={rule.groups} segments={segments} attributes={hints} label={name} onChange={(groups) => onChange({ ...rule, groups })} />
      <div className="row" style={{ marginTop: "0.5rem" }}>
        <label htmlFor={`${id}-kind`}>Serve</label>
        <select id={`${id}-kind`} value={rule.kind} disabled={!canEdit}
          onChange={(e) => onChange({ ...rule, kind: e.target.value as RuleDraft["kind"], allocations: rule.allocations.length ? rule.allocations : [] })}>
          <option value="variant">one variant</option>
          <option value="rollout">a variant to a percentage</option>
          <option value="split">a weighted split</option>
        </select>
        {rule.kind !== "split" && (
          <>
            <label htmlFor={`${id}-variant`} className="sr-only">Variant served by {name}</label>
            <select id={`${id}-variant`} value={rule.variant} disabled={!canEdit} onChange={(e) => onChange({ ...rule, variant: e.target.value })}>
              <option value="">choose…</option>
              {variants.map((v) => <option key={v} value={v}>{v}</option>)}
            </select>
          </>
        )}
      </div>
      {rule.kind === "rollout" && (
        <div className="row">
          <label htmlFor={`${id}-pct`}>Rollout</label>
          <input type="range" min={0} max={100} step={0.001} value={Number(rule.percentage) || 0} aria-label={`Rollout of ${name} (slider)`}
            disabled={!canEdit} onChange={(e) => onChange({ ...rule, percentage: e.target.value })} style={{ flex: "1 1 10rem" }} />
          <input id={`${id}-pct`} type="number" min={0} max={100} step={0.001} value={rule.percentage} style={{ width: "7rem" }}
            disabled={!canEdit} onChange={(e) => onChange({ ...rule, percentage: e.target.value })} />
          <span aria-hidden="true">%</span>
        </div>
      )}
      {rule.kind === "split" && (
        <SplitEditor label={name} allocations={rule.allocations} variants={variants} onChange={(allocations) => onChange({ ...rule, allocations })} />
      )}
      {rule.kind !== "variant" && (
        <div className="row small">
          <label htmlFor={`${id}-bucket`} style={{ fontWeight: 400 }}>Bucket by</label>
          <input id={`${id}-bucket`} value={rule.bucketBy} placeholder="targetingKey" disabled={!canEdit} onChange={(e) => onChange({ ...rule, bucketBy: e.target.value })} />
        </div>
      )}
      {problem && <p className="field-error" role="alert">{problem}</p>}
    </li>
  );
}
