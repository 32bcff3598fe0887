// A flag's variants with in-place edit (value, description) and delete. The key and type cannot
// change; the API refuses to delete a variant a stage, rule or prerequisite serves, and that refusal
// shows in the delete dialog.
import { Form } from "@remix-run/react";
import { useHere } from "~/lib/use-here";
import type { ValueTypeName } from "~/lib/variant-values";
import { ConfirmButton } from "./ConfirmButton";
import { SubmitButton } from "./SubmitButton";
import { VariantValueInput } from "./VariantValueInput";

interface Variant { id: string; key: string; value: string; description?: string | null }

export function VariantList({ variants, type, canEdit }: { variants: Variant[]; type: ValueTypeName; canEdit: boolean }) {
  const here = useHere();
  return (
    <ul className="stack">
      {variants.map((v) => (
        <li key={v.id}>
          <span className="mono">{v.key}</span> = <code>{v.value}</code>{v.description && <span className="muted"> · {v.description}</span>}
          {canEdit && (
            <div className="row">
              <details>
                <summary aria-label={`Edit variant ${v.key}`}>Edit</summary>
                <Form method="post" action={here} className="stack" key={`${v.value}|${v.description ?? ""}`}>
                  <input type="hidden" name="intent" value="updateVariant" />
                  <input type="hidden" name="variantId" value={v.id} />
                  <VariantValueInput id={`ev-value-${v.id}`} name="value" type={type} label={`Value of ${v.key} (JSON)`} defaultValue={v.value} />
                  <div className="field"><label htmlFor={`ev-desc-${v.id}`}>Description of {v.key}</label>
                    <input id={`ev-desc-${v.id}`} name="description" defaultValue={v.description ?? ""} /></div>
                  <div><SubmitButton match={{ intent: "updateVariant", variantId: v.id }} pendingLabel="Saving…">Save variant</SubmitButton></div>
                </Form>
              </details>
              <ConfirmButton fields={{ intent: "deleteVariant", variantId: v.id }} label="Delete" ariaLabel={`Delete variant ${v.key}`}
                title={`Delete variant ${v.key}?`} confirmLabel="Delete variant" pendingLabel="Deleting…">
                <p>Rules and environments can no longer serve <span className="mono">{v.key}</span>. A variant still in use cannot be deleted.</p>
              </ConfirmButton>
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
