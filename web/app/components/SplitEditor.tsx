// Weighted split of the matching users across variants: shares in percent (0.001% steps) that must
// sum to exactly 100%, with "distribute evenly".
import { useId } from "react";
import { distributeEvenly, formatPercent, percentToWeight, splitProblem, totalWeight, weightToPercent, type Allocation } from "~/lib/splits";

export function SplitEditor({ allocations, variants, onChange, label }: {
  allocations: Allocation[]; variants: string[]; onChange: (a: Allocation[]) => void; label: string;
}) {
  const id = useId();
  const problem = splitProblem(allocations);
  const unused = variants.filter((v) => !allocations.some((a) => a.variant === v));
  return (
    <fieldset className="stack" style={{ border: "none", padding: 0, margin: 0 }} aria-describedby={`${id}-total`}>
      <legend className="sr-only">{label}: split</legend>
      {allocations.map((allocation, i) => (
        <div className="split-row" key={allocation.variant}>
          <label htmlFor={`${id}-${i}`} className="mono" style={{ fontWeight: 400 }}>{allocation.variant}</label>
          <div className="row" style={{ flexWrap: "nowrap" }}>
            <input id={`${id}-${i}`} type="number" min={0} max={100} step={0.001} style={{ width: "6.5rem" }}
              aria-label={`${label}: share of ${allocation.variant} in percent`}
              value={weightToPercent(allocation.weight)}
              onChange={(e) => onChange(allocations.map((a, j) => (j === i ? { ...a, weight: percentToWeight(Number(e.target.value) || 0) } : a)))} />
            <span aria-hidden="true">%</span>
            <button type="button" aria-label={`Remove ${allocation.variant} from the split`} onClick={() => onChange(allocations.filter((_, j) => j !== i))}>×</button>
          </div>
        </div>
      ))}
      <div className="row">
        {unused.map((v) => <button type="button" key={v} onClick={() => onChange([...allocations, { variant: v, weight: 0 }])}>Add {v}</button>)}
        <button type="button" onClick={() => onChange(distributeEvenly(allocations.map((a) => a.variant)))} disabled={allocations.length === 0}>Distribute evenly</button>
      </div>
      <p id={`${id}-total`} className={problem ? "field-error" : "small muted"} role="status">
        Total {formatPercent(totalWeight(allocations))}{problem ? ` — ${problem}` : ""}
      </p>
    </fieldset>
  );
}
