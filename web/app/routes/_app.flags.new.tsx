import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { FormError } from "~/components/FormError";
import { VariantValueInput } from "~/components/VariantValueInput";
import { attempt, isFailure } from "~/lib/action.server";
import { failure } from "~/lib/api-error";
import { CreateFeatureDoc, PipelinesDoc } from "~/lib/docs/flag";
import { optionalText, text } from "~/lib/form";
import { requireTeam } from "~/lib/team.server";
import { variantValueProblem, type ValueTypeName } from "~/lib/variant-values";

export const meta: MetaFunction = () => [{ title: "New flag · FluxGate" }];
const TYPES: ValueTypeName[] = ["BOOLEAN", "STRING", "NUMBER", "JSON"];

export async function loader({ context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const { pipelines } = await context.auth.query(PipelinesDoc, { teamId: team.id });
  return { pipelines: pipelines.nodes };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const team = await requireTeam(context);
  const form = await request.formData();
  const type = text(form, "type") as ValueTypeName;
  if (!TYPES.includes(type)) return failure({ code: "BAD_USER_INPUT", field: "type", message: "Choose the flag's type." });
  const keys = form.getAll("variantKey").map(String);
  const values = form.getAll("variantValue").map(String);
  const variants = keys.map((key, i) => ({ key: key.trim(), value: (values[i] ?? "").trim() })).filter((v) => v.key || v.value);
  for (const v of variants) {
    const problem = !v.key ? "Every variant needs a key." : variantValueProblem(type, v.value);
    if (problem) return failure({ code: "BAD_USER_INPUT", field: "variants", message: `${v.key || "variant"}: ${problem}` });
  }
  const tags = text(form, "tags").split(",").map((t) => t.trim()).filter(Boolean);
  const result = await attempt(() => context.auth.gql(CreateFeatureDoc, { input: {
    teamId: team.id, pipelineId: text(form, "pipelineId"), key: text(form, "key"), name: optionalText(form, "name"),
    type, description: optionalText(form, "description"), owner: optionalText(form, "owner"), tags,
    variants: variants.length ? variants : undefined,
  } }));
  if (isFailure(result)) return result;
  throw redirect(`/flags/${result.createFeature.id}`);
}

export default function NewFlag() {
  const { pipelines } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const [type, setType] = useState<ValueTypeName>("BOOLEAN");
  const [rows, setRows] = useState(0);
  return (
    <div className="card" style={{ maxWidth: 720 }}>
      <h1>New flag</h1>
      <Form method="post" className="stack">
        <div className="grid-2">
          <div className="field"><label htmlFor="key">Key</label><input id="key" name="key" required pattern="[A-Za-z][A-Za-z0-9_.\-]{1,99}" className="mono" />
            <span className="hint">2-100 characters: letters, digits, _ . -, starting with a letter.</span></div>
          <div className="field"><label htmlFor="name">Name</label><input id="name" name="name" /></div>
          <div className="field"><label htmlFor="type">Type</label>
            <select id="type" name="type" value={type} onChange={(e) => setType(e.target.value as ValueTypeName)}>
              {TYPES.map((t) => <option key={t} value={t}>{t.toLowerCase()}</option>)}
            </select></div>
          <div className="field"><label htmlFor="pipelineId">Pipeline</label>
            <select id="pipelineId" name="pipelineId" required>{pipelines.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}</select></div>
          <div className="field"><label htmlFor="owner">Owner</label><input id="owner" name="owner" /></div>
          <div className="field"><label htmlFor="tags">Tags <span className="hint">(comma-separated)</span></label><input id="tags" name="tags" /></div>
        </div>
        <div className="field"><label htmlFor="description">Description</label><textarea id="description" name="description" /></div>
        <fieldset className="stack" style={{ border: "1px solid var(--border)", borderRadius: 8 }}>
          <legend>Variants</legend>
          {type === "BOOLEAN" && rows === 0 && <p className="small muted">Boolean flags serve on = true and off = false unless you add variants.</p>}
          {Array.from({ length: rows }, (_, i) => (
            <div className="grid-2" key={`${type}-${i}`}>
              <div className="field"><label htmlFor={`vk${i}`}>Variant {i + 1} key</label><input id={`vk${i}`} name="variantKey" required className="mono" /></div>
              <VariantValueInput id={`vv${i}`} name="variantValue" type={type} label={`Variant ${i + 1} value (JSON)`} />
            </div>
          ))}
          <div className="row">
            <button type="button" onClick={() => setRows(rows + 1)}>Add variant</button>
            {rows > 0 && <button type="button" onClick={() => setRows(rows - 1)}>Remove last</button>}
          </div>
        </fieldset>
        <FormError error={result?.error} />
        <div><button type="submit" className="primary" disabled={busy}>{busy ? "Creating…" : "Create flag"}</button></div>
      </Form>
    </div>
  );
}
