// The create / edit card every delivery settings screen shares: a titled section whose form posts
// intent=create or intent=update (with the edited id), validated before submit (CheckedForm), the
// API's refusal shown at its field or under the form, a note when something was created, and a
// cancel link while editing.
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import { useCheckedSubmit } from "~/components/CheckedForm";
import { FormError } from "~/components/FormError";
import type { ApiFailure } from "~/lib/api-error";
import type { Problems } from "~/lib/settings-forms/common";

type Answer = ({ ok: true; message?: string } & Record<string, unknown>) | { ok: false; error: ApiFailure };

/** The route's last answer, the form's problems and whether its own submission is pending. */
export function useSettingsForm(check: (form: FormData) => Problems, editing: boolean) {
  const answer = useActionData<Answer>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === (editing ? "update" : "create");
  const checked = useCheckedSubmit(check, answer && !answer.ok ? answer.error : null);
  const done = answer?.ok && typeof answer.message === "string" ? answer.message : null;
  return { ...checked, busy, done, answer };
}

export function SettingsFormCard({ idPrefix, title, editingId, form, submitLabel, cancelTo, resetKey, notice, children }: {
  idPrefix: string; title: string; editingId: string | null; form: ReturnType<typeof useSettingsForm>; submitLabel: string;
  cancelTo: string; resetKey?: string | null; notice?: ReactNode; children: ReactNode;
}) {
  const done = form.done;
  return (
    <section className="card stack" aria-labelledby={`${idPrefix}-form-title`}>
      <h2 id={`${idPrefix}-form-title`}>{title}</h2>
      {done && <p className="notice" role="status">{done}</p>}
      {notice}
      {/* A new key after a success clears the form for the next one. */}
      <Form method="post" className="stack" noValidate onSubmit={form.onSubmit} key={resetKey ?? done ?? "form"}>
        <input type="hidden" name="intent" value={editingId ? "update" : "create"} />
        {editingId && <input type="hidden" name="id" value={editingId} />}
        {children}
        <FormError error={form.formError} />
        <div className="row">
          <button type="submit" className="primary" disabled={form.busy}>{form.busy ? "Saving…" : submitLabel}</button>
          {editingId && <Link className="button" to={cancelTo}>Cancel</Link>}
        </div>
      </Form>
    </section>
  );
}
