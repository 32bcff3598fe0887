// A variant's value, validated as JSON of the feature's type while it is typed.
import { useState } from "react";
import { variantValueProblem, type ValueTypeName } from "~/lib/variant-values";

export function VariantValueInput({ id, name, type, defaultValue, label }: { id: string; name: string; type: ValueTypeName; defaultValue?: string; label: string }) {
  const [text, setText] = useState(defaultValue ?? "");
  const problem = text ? variantValueProblem(type, text) : null;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {type === "JSON"
        ? <textarea id={id} name={name} className="mono" value={text} aria-invalid={Boolean(problem)} aria-describedby={problem ? `${id}-problem` : undefined} onChange={(e) => setText(e.target.value)} required />
        : <input id={id} name={name} className="mono" value={text} aria-invalid={Boolean(problem)} aria-describedby={problem ? `${id}-problem` : undefined} onChange={(e) => setText(e.target.value)} required
            placeholder={type === "STRING" ? '"Buy now"' : type === "NUMBER" ? "42" : "true"} />}
      {problem && <span id={`${id}-problem`} className="field-error" role="alert">{problem}</span>}
    </div>
  );
}
