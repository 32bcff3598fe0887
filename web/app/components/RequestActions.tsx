// The approval inbox's actions beyond a vote: apply an approved request a freeze window held back,
// cancel a request (its requester or a team admin), and a team admin's override where the policy
// allows one. A freeze override reason lifts a freeze window for apply and override (team admins).
import { FetcherForm } from "~/components/FetcherForm";
import { Field } from "~/components/Field";
import { ConfirmButton } from "~/components/ConfirmButton";
import { overrideProblems } from "~/lib/request-actions";

interface Props {
  requestId: string;
  status: string;
  mayCancel: boolean;
  mayOverride: boolean;
  mayApply: boolean;
}

export function RequestActions({ requestId, status, mayCancel, mayOverride, mayApply }: Props) {
  const pending = status === "pending";
  const approved = status === "approved" || status === "auto_approved";
  const hidden = { requestId };
  return (
    <div className="stack">
      {approved && mayApply && (
        <FetcherForm intent="apply" fields={hidden} label="Apply the approved change" submitLabel="Apply now" pendingLabel="Applying…"
          className="row" success={() => <p className="notice" role="status">Applied.</p>}>
          <Field name="freezeOverrideReason" label="Freeze override reason (team admins, only while a freeze window holds it)" maxLength={500} />
        </FetcherForm>
      )}
      {pending && mayOverride && (
        <details>
          <summary>Admin override</summary>
          <FetcherForm intent="override" fields={hidden} check={overrideProblems} label="Admin override" submitLabel="Approve alone"
            pendingLabel="Approving…" success={() => <p className="notice" role="status">Approved by override.</p>}>
            <p className="small muted">Approves the request alone, whatever number of approvals its policy needs. The reason is audited.</p>
            <Field name="reason" label="Reason" required maxLength={500} />
            <Field name="freezeOverrideReason" label="Freeze override reason (only while a freeze window holds it)" maxLength={500} />
          </FetcherForm>
        </details>
      )}
      {(pending || approved) && mayCancel && (
        <div className="row">
          <ConfirmButton fields={{ intent: "cancel", ...hidden }} label="Cancel request" title="Cancel this request?"
            confirmLabel="Cancel the request" pendingLabel="Cancelling…">
            The request ends as cancelled and nobody can approve or apply it any more; the stage goes back to its previous status.
          </ConfirmButton>
        </div>
      )}
    </div>
  );
}
