// The create / edit card the settings screens share: a titled section holding a checked form
// (components/CheckedForm.tsx) that posts intent=create or intent=update (with the edited id) to the
// route's action, shows the API's refusal at its field or under the form, a note when the action
// answered with a message, and a cancel link while editing.
import { Link, useActionData, useNavigation } from "@remix-run/react";
import type { CSSProperties, ReactNode } from "react";
import { CheckedForm } from "~/components/CheckedForm";
import type { ApiFailure } from "~/lib/api-error";
import type { Problems } from "~/lib/form-problems";
import { useHere } from "~/lib/use-here";

type Answer = ({ ok: true; message?: string | null } & Record<string, unknown>) | { ok: false; error: ApiFailure };

export function SettingsFormCard({ idPrefix, title, editingId, check, submitLabel, cancelTo, resetKey, notice, announce = true, style, children }: {
  idPrefix: string; title: string; editingId: string | null; check: (form: FormData) => Problems; submitLabel: string;
  cancelTo: string;
  /** A new value clears the form (default: the action's message). */
  resetKey?: string | null;
  notice?: ReactNode;
  /** Shows the action's message in the card (false: the page shows it). */
  announce?: boolean;
  style?: CSSProperties;
  children: ReactNode;
}) {
  const answer = useActionData<Answer>();
  const navigation = useNavigation();
  // Posting to the current URL keeps the page's search (e.g. ?edit=) in the action's answer.
  const here = useHere();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === (editingId ? "update" : "create");
  const done = answer?.ok && typeof answer.message === "string" ? answer.message : null;
  return (
    <section className="card stack" aria-labelledby={`${idPrefix}-form-title`} style={style}>
      <h2 id={`${idPrefix}-form-title`}>{title}</h2>
      {announce && done && <p className="notice" role="status">{done}</p>}
      {notice}
      {/* A new key after a success clears the form for the next one. */}
      <CheckedForm key={resetKey ?? done ?? "form"} action={here} check={check} error={answer && !answer.ok ? answer.error : null}
        fields={{ intent: editingId ? "update" : "create", ...(editingId ? { id: editingId } : {}) }}
        actions={
          <div className="row">
            <button type="submit" className="primary" disabled={busy}>{busy ? "Saving…" : submitLabel}</button>
            {editingId && <Link className="button" to={cancelTo}>Cancel</Link>}
          </div>
        }>
        {children}
      </CheckedForm>
    </section>
  );
}
