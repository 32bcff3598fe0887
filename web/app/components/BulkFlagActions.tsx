// The flags list's bulk bar (shown to those who may change flags): the selection's count, announced
// politely; one bookkeeping change for every selected flag (bulkUpdateFeatures: owner, tags,
// lifecycle); and Archive behind the confirmation dialog naming how many flags. Both report each
// flag the API refused by key. With nothing selected the bar is one line (its controls hidden by
// styles.css, not unmounted): an archive's report (the archived flags leave the list, so the
// selection empties) and an update's report stay readable, and focus returns to the bar.
import { useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState, type RefObject } from "react";
import { ConfirmButton } from "./ConfirmButton";
import { CheckedForm } from "./CheckedForm";
import { Field, SelectField, useField } from "./Field";
import { BULK_UPDATE_ACTIONS, bulkUpdateProblems, flagCount, MAX_OWNER_LENGTH, readSelection, SETTABLE_LIFECYCLES, type BulkReport, type SelectedFlag } from "~/lib/bulk-flags";
import type { BulkActionResult } from "~/lib/bulk-flags.server";
import { useHere } from "~/lib/use-here";

type Ok = Extract<BulkActionResult, { ok: true }>;

const readUpdate = (form: FormData) => ({
  flags: readSelection(form.get("selection")),
  action: String(form.get("action") ?? ""),
  owner: String(form.get("owner") ?? ""),
  tags: String(form.get("tags") ?? ""),
  lifecycle: String(form.get("lifecycle") ?? ""),
});

export function BulkFlagActions({ selected, status }: { selected: SelectedFlag[]; status: string }) {
  const selection = JSON.stringify(selected);
  const count = flagCount(selected.length);
  const bar = useRef<HTMLElement>(null);
  useFocusKeptInBar(bar, selected.length === 0);
  return (
    <section ref={bar} className="bulk-bar card" aria-label="Bulk actions" data-empty={selected.length === 0 ? "" : undefined} tabIndex={-1} data-focus-after-close>
      <p className="bulk-count"><span role="status">{status}</span>{selected.length === 0 && <span className="muted small"> Tick flags in the list to change or archive several at once.</span>}</p>
      <BulkUpdateForm selection={selection} count={selected.length} />
      <ConfirmButton<BulkActionResult> label={`Archive ${count}`} disabled={selected.length ? undefined : "Select the flags to archive first."}
        fields={{ intent: "bulkArchive", selection }} title={`Archive ${count}?`} confirmLabel={`Archive ${count}`} pendingLabel="Archiving…"
        doneTitle="Archive finished" done={(answer) => <Report report={answer as Ok} />}>
        <p>Archived flags leave every snapshot: SDKs and OFREP stop serving them and callers get their default. They stay readable under Lifecycle: archived.</p>
        <p className="small">{selected.map((f) => f.key).join(", ")}</p>
        <label className="row check-label">
          <input type="checkbox" name="confirmDependents" />
          Archive even if other flags require one of these (those flags then serve their off value)
        </label>
        <div className="field">
          <label htmlFor="bulk-archive-freeze">Freeze override reason <span className="hint">(only during a freeze window; team admins)</span></label>
          <input id="bulk-archive-freeze" name="freezeOverrideReason" />
        </div>
      </ConfirmButton>
    </section>
  );
}

/**
 * The bar's controls leave with the selection (archived flags leave the list, possibly after the
 * archive's report was closed): focus that was on one of them goes to the bar instead of the page's
 * start. Only when the last focus landed in the bar: emptying the selection from a row's checkbox or
 * the filters leaves focus where the user put it.
 */
function useFocusKeptInBar(bar: RefObject<HTMLElement>, empty: boolean) {
  const focusWasInBar = useRef(false);
  useEffect(() => {
    const track = (event: FocusEvent) => { focusWasInBar.current = bar.current?.contains(event.target as Node) ?? false; };
    document.addEventListener("focusin", track);
    return () => document.removeEventListener("focusin", track);
  }, [bar]);
  useEffect(() => {
    const section = bar.current;
    if (!empty || !section || !focusWasInBar.current) return;
    const active = document.activeElement as HTMLElement | null;
    const lost = active === null || active === document.body
      || (active !== section && section.contains(active) && ((active as HTMLButtonElement).disabled || !active.checkVisibility()));
    if (lost) section.focus();
  }, [bar, empty]);
}

function BulkUpdateForm({ selection, count }: { selection: string; count: number }) {
  const fetcher = useFetcher<BulkActionResult>();
  const here = useHere();
  const [action, setAction] = useState<string>("update_owner");
  const answer = fetcher.data;
  const busy = fetcher.state !== "idle";
  return (
    <CheckedForm as={fetcher.Form} action={here} className="bulk-update" aria-label="Bulk update"
      check={(form) => bulkUpdateProblems(readUpdate(form))} error={answer && !answer.ok ? answer.error : null}
      fields={{ intent: "bulkUpdate", selection }}
      actions={answer?.ok && <div className="bulk-wide"><Report report={answer} /></div>}>
      <SelectField id="bulk-action" name="action" label="Change" value={action} onChange={(e) => setAction(e.target.value)}
        options={BULK_UPDATE_ACTIONS.map(([value, label]) => ({ value, label }))} />
      {action === "update_owner" && <Field id="bulk-owner" name="owner" label="Owner" maxLength={MAX_OWNER_LENGTH} hint="Empty clears the owner." />}
      {(action === "add_tags" || action === "remove_tags") && (
        <Field id="bulk-tags" name="tags" label="Tags" hint="Comma-separated; up to 20 per flag, 50 characters each." />
      )}
      {action === "set_lifecycle" && (
        <SelectField id="bulk-lifecycle" name="lifecycle" label="Lifecycle" defaultValue="active" options={SETTABLE_LIFECYCLES.map((l) => ({ value: l, label: l }))} />
      )}
      <button type="submit" className="primary" disabled={busy}>{busy ? "Applying…" : `Apply to ${flagCount(count)}`}</button>
      <SelectionProblem />
    </CheckedForm>
  );
}

/** The selection's problem (none selected, too many), on a line of its own. */
function SelectionProblem() {
  const { problem } = useField("selection");
  return problem ? <p className="field-error bulk-wide" role="alert">{problem}</p> : null;
}

/** What a bulk action did: a polite summary, then each refused flag with the API's message. */
function Report({ report }: { report: BulkReport }) {
  return (
    <div className="stack">
      <p className={report.failures.length ? "warning" : "notice"} role="status">{report.summary}</p>
      {report.failures.length > 0 && (
        <ul className="bulk-failures" aria-label="Refused flags">
          {report.failures.map((f) => <li key={f.key}><span className="mono">{f.key}</span>: {f.message}</li>)}
        </ul>
      )}
    </div>
  );
}
