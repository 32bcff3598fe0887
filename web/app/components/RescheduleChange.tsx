// "Reschedule" for a pending scheduled change: a disclosure holding the new time (wall clock in the
// browser's zone, prefilled with the current one), checked before it is sent as the API checks it
// (lib/reschedule.ts); the API's refusal shows at the field. Once the change was moved the disclosure
// closes, its summary takes the focus back and a status line says so (the row shows the new time).
import { useRef, useState } from "react";
import { FetcherForm } from "~/components/FetcherForm";
import { Field } from "~/components/Field";
import { rescheduleProblems } from "~/lib/reschedule";
import { utcToZoned } from "~/lib/zoned-time";

interface Props { id: string; runAt: string; what: string; timezone: string }

export function RescheduleChange({ id, runAt, what, timezone }: Props) {
  const [open, setOpen] = useState(false);
  const [moved, setMoved] = useState(false);
  const summary = useRef<HTMLElement>(null);
  return (
    <>
      <details open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
        <summary ref={summary} aria-label={`Reschedule the ${what}`}>Reschedule</summary>
        <FetcherForm intent="reschedule" fields={{ scheduleId: id, timezone }} check={(form) => rescheduleProblems(form, Date.now())}
          label={`Reschedule the ${what}`} submitLabel="Save new time" pendingLabel="Saving…"
          onSuccess={() => { setOpen(false); setMoved(true); summary.current?.focus(); }}>
          {/* Keyed by zone: the server renders UTC, the browser's zone is known after hydration. */}
          <Field key={timezone} name="scheduledAt" type="datetime-local" label={`New time (${timezone})`} required
            defaultValue={utcToZoned(runAt, timezone)} hint="In the future, at most a year ahead." onInput={() => setMoved(false)} />
        </FetcherForm>
      </details>
      {/* Outside the details: a closed disclosure's content is hidden from screen readers too. */}
      <span role="status" className="sr-only">{moved && !open ? "Rescheduled." : ""}</span>
    </>
  );
}
