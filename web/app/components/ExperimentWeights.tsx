// The experiment template's split: one row per variant (its key and its share in percent), the
// remaining share announced as it changes, "Split evenly", and none at all for the API's equal
// shares. Shown only while the surrounding form's type is experiment (it follows the form's own
// type select, so the form needs no extra state); its rows post as weightVariants / weights
// (lib/experiment-weights reads them).
import { useEffect, useId, useRef, useState } from "react";
import { useFormState } from "~/components/CheckedForm";
import { distributeEvenly, weightToPercent, type Allocation } from "~/lib/splits";
import {
  fromWeights, MAX_WEIGHTS, remainingText, WEIGHT_FIELD, WEIGHT_VARIANT_FIELD, type WeightRow,
} from "~/lib/experiment-weights";

interface Props {
  /** The edited template's defaults (JSON); its weights fill the rows. */
  defaults?: unknown;
  /** The template's type when the form renders (the type select's default). */
  initialType?: string;
}

const weightsOf = (defaults: unknown): Allocation[] | undefined => {
  const weights = (defaults as { weights?: unknown } | null | undefined)?.weights;
  return Array.isArray(weights) ? (weights as Allocation[]) : undefined;
};

export function ExperimentWeights({ defaults, initialType }: Props) {
  // The enclosing checked form's problems (its check before submit, or the API's), by field name.
  const { problems } = useFormState();
  const id = useId();
  const anchor = useRef<HTMLDivElement>(null);
  const [type, setType] = useState(initialType ?? "");
  const [rows, setRows] = useState<WeightRow[]>(() => fromWeights(weightsOf(defaults)));
  // Follow the form's type select: weights only mean something for an experiment.
  useEffect(() => {
    const form = anchor.current?.closest("form");
    const select = form?.elements.namedItem("type") as HTMLSelectElement | null | undefined;
    if (!form || !select) return;
    setType(select.value);
    const follow = () => setType(select.value);
    select.addEventListener("change", follow);
    return () => select.removeEventListener("change", follow);
  }, []);
  const problem = problems[WEIGHT_FIELD];
  const set = (index: number, row: WeightRow) => setRows(rows.map((r, i) => (i === index ? row : r)));
  const even = () => setRows(distributeEvenly(rows.map((r) => r.variant)).map((a, i) => ({ variant: rows[i]!.variant, percent: String(weightToPercent(a.weight)) })));
  return (
    <div ref={anchor}>
      {type === "experiment" && (
        <fieldset className="field settings-group experiment-weights" aria-describedby={`${id}-hint ${id}-total${problem ? ` ${id}-problem` : ""}`}
          data-invalid={problem ? "true" : undefined}>
          <legend>Experiment split</legend>
          <span id={`${id}-hint`} className="hint">Each variant's share of everyone, in percent (up to three decimals), summing to 100%. No rows: equal shares of the feature's variants.</span>
          {rows.map((row, i) => {
            const name = row.variant.trim() || `variant ${i + 1}`;
            return (
              <div className="row" key={i} data-weight-row={i + 1}>
                <div className="field">
                  <label htmlFor={`${id}-v${i}`}>Variant {i + 1}</label>
                  <input id={`${id}-v${i}`} name={WEIGHT_VARIANT_FIELD} className="mono" value={row.variant} maxLength={100}
                    onChange={(e) => set(i, { ...row, variant: e.target.value })} />
                </div>
                <div className="field">
                  <label htmlFor={`${id}-w${i}`}>Share of {name} (%)</label>
                  <input id={`${id}-w${i}`} name={WEIGHT_FIELD} type="number" min={0} max={100} step={0.001} inputMode="decimal" value={row.percent}
                    style={{ width: "8rem" }} aria-invalid={problem ? true : undefined} onChange={(e) => set(i, { ...row, percent: e.target.value })} />
                </div>
                <button type="button" onClick={() => setRows(rows.filter((_, j) => j !== i))} aria-label={`Remove ${name} from the split`}>Remove</button>
              </div>
            );
          })}
          <div className="row">
            <button type="button" disabled={rows.length >= MAX_WEIGHTS}
              onClick={() => setRows([...rows, { variant: "", percent: rows.length === 0 ? "100" : "0" }])}>Add variant</button>
            <button type="button" disabled={rows.length === 0} onClick={even}>Split evenly</button>
          </div>
          <p id={`${id}-total`} className="small muted" role="status" aria-live="polite">
            {rows.length ? remainingText(rows) : "Equal shares of the feature's variants."}
          </p>
          {problem && <span id={`${id}-problem`} className="field-error" role="alert">{problem}</span>}
        </fieldset>
      )}
    </div>
  );
}
