// AND/OR condition groups (groups are alternatives: a user matches when any group matches), each
// condition with an input fit for its operator's type. The team's context attributes are
// suggested by name (with their type), and an attribute's suggested values in its value field.
import { useId } from "react";
import { describeHint, valueOptions, type AttributeHint } from "~/lib/attribute-hints";
import {
  conditionProblem, emptyCondition, emptyGroup, OPERATOR_NAMES, OPERATORS, withOperator,
  type ConditionDraft, type GroupDraft, type OperatorName,
} from "~/lib/conditions";

interface Props {
  groups: GroupDraft[];
  onChange: (groups: GroupDraft[]) => void;
  segments: string[];
  /** Prefix of the inputs' accessible names (e.g. the rule's name). */
  label: string;
  /** What no conditions means here (a rule: everyone; a segment: nobody beyond its included keys). */
  emptyText?: string;
  /** The team's context attributes (attributeHints): names offered in the attribute input, values in the value input. */
  attributes?: AttributeHint[];
}

export function ConditionBuilder({ groups, onChange, segments, label, emptyText = "No conditions: every user matches.", attributes = [] }: Props) {
  const listId = useId();
  const setGroup = (index: number, group: GroupDraft) => onChange(groups.map((g, i) => (i === index ? group : g)));
  return (
    <fieldset className="stack" style={{ border: "none", padding: 0, margin: 0 }}>
      <legend className="small muted">{groups.length === 0 ? emptyText : "Users match when any group below matches."}</legend>
      {groups.map((group, gi) => (
        <div className="group" key={gi} role="group" aria-label={`${label}: condition group ${gi + 1}`}>
          {gi > 0 && <p className="small muted" style={{ margin: "0 0 0.25rem" }}>— or —</p>}
          <div className="row small">
            <label htmlFor={`${label}-g${gi}-op`} className="sr-only">Combine the conditions of group {gi + 1} with</label>
            <select id={`${label}-g${gi}-op`} value={group.operator} onChange={(e) => setGroup(gi, { ...group, operator: e.target.value as "AND" | "OR" })}>
              <option value="AND">All of (AND)</option>
              <option value="OR">Any of (OR)</option>
            </select>
            <button type="button" onClick={() => onChange(groups.filter((_, i) => i !== gi))} aria-label={`Remove condition group ${gi + 1}`}>Remove group</button>
          </div>
          {group.conditions.map((condition, ci) => (
            <ConditionRow
              key={ci}
              condition={condition}
              segments={segments}
              attributeList={attributes.length ? listId : undefined}
              hint={attributes.find((a) => a.name === condition.attribute.trim())}
              label={`${label} group ${gi + 1} condition ${ci + 1}`}
              onChange={(next) => setGroup(gi, { ...group, conditions: group.conditions.map((c, i) => (i === ci ? next : c)) })}
              onRemove={() => setGroup(gi, { ...group, conditions: group.conditions.filter((_, i) => i !== ci) })}
            />
          ))}
          <button type="button" onClick={() => setGroup(gi, { ...group, conditions: [...group.conditions, emptyCondition()] })}>Add condition</button>
        </div>
      ))}
      {attributes.length > 0 && <datalist id={listId}>{attributes.map((a) => <option key={a.name} value={a.name} label={a.type} />)}</datalist>}
      <div><button type="button" onClick={() => onChange([...groups, emptyGroup()])}>Add {groups.length ? "an OR group" : "conditions"}</button></div>
    </fieldset>
  );
}

function ConditionRow({ condition, onChange, onRemove, segments, label, attributeList, hint }: {
  condition: ConditionDraft; onChange: (c: ConditionDraft) => void; onRemove: () => void; segments: string[]; label: string; attributeList?: string;
  hint?: AttributeHint;
}) {
  const id = useId();
  const info = OPERATORS[condition.operator];
  const problem = condition.attribute || condition.value ? conditionProblem(condition) : null;
  const options = valueOptions(hint, condition.operator, condition.value);
  return (
    <div className="condition">
      <div className="field">
        <label htmlFor={`${id}-attr`}>Attribute</label>
        <input id={`${id}-attr`} value={condition.attribute} placeholder="e.g. country" aria-label={`${label} attribute`} list={attributeList}
          aria-describedby={hint ? `${id}-attr-hint` : undefined} onChange={(e) => onChange({ ...condition, attribute: e.target.value })} />
        {hint && <span id={`${id}-attr-hint`} className="hint" data-testid="attribute-hint">{describeHint(hint)}</span>}
      </div>
      <div className="field">
        <label htmlFor={`${id}-op`}>Operator</label>
        <select id={`${id}-op`} value={condition.operator} aria-label={`${label} operator`}
          onChange={(e) => onChange(withOperator(condition, e.target.value as OperatorName))}>
          {OPERATOR_NAMES.map((name) => <option key={name} value={name}>{OPERATORS[name].label}</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-value`}>Value</label>
        <ValueInput id={`${id}-value`} condition={condition} onChange={onChange} segments={segments} label={`${label} value`} invalid={Boolean(problem)} describedBy={problem ? `${id}-problem` : undefined}
          list={options.length ? `${id}-values` : undefined} />
        {options.length > 0 && <datalist id={`${id}-values`}>{options.map((o) => <option key={o.value} value={o.value} label={o.label} />)}</datalist>}
        {"caseFlag" in info && info.caseFlag && (
          <label className="small" style={{ fontWeight: 400 }}>
            <input type="checkbox" checked={condition.caseInsensitive} onChange={(e) => onChange({ ...condition, caseInsensitive: e.target.checked })} /> ignore case
          </label>
        )}
        {problem && <span id={`${id}-problem`} className="field-error">{problem}</span>}
      </div>
      <button type="button" onClick={onRemove} aria-label={`Remove ${label}`}>Remove</button>
    </div>
  );
}

function ValueInput({ id, condition, onChange, segments, label, invalid, describedBy, list }: {
  id: string; condition: ConditionDraft; onChange: (c: ConditionDraft) => void; segments: string[]; label: string; invalid: boolean; describedBy?: string;
  /** The id of the suggested values' datalist. */
  list?: string;
}) {
  const common = {
    id, "aria-label": label, "aria-invalid": invalid, "aria-describedby": describedBy, value: condition.value, list,
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => onChange({ ...condition, value: e.target.value }),
  };
  switch (OPERATORS[condition.operator].input) {
    case "none": return <input id={id} aria-label={label} disabled value="" placeholder="no value needed" />;
    case "number": return <input {...common} type="number" step="any" inputMode="decimal" />;
    case "date": return <input {...common} type="datetime-local" />;
    case "semver": return <input {...common} placeholder="2.1.0" pattern="v?\d+\.\d+\.\d+.*" />;
    case "regex": return <input {...common} className="mono" placeholder="^beta-.*$" />;
    case "list": return <input {...common} placeholder="a, b, c" />;
    case "segments":
      return (
        <>
          <input {...common} list={`${id}-segments`} placeholder="segment keys, comma-separated" />
          <datalist id={`${id}-segments`}>{segments.map((s) => <option key={s} value={s} />)}</datalist>
        </>
      );
    default: return <input {...common} />;
  }
}
