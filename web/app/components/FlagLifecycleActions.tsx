// Archive and delete a flag from its page, each behind a confirmation dialog. A freeze window of one
// of the flag's environments refuses both unless a team admin gives an override reason: the dialog
// offers the field, and the API's refusal (FROZEN, dependents, approval required) shows inside it.
import { ConfirmButton } from "./ConfirmButton";

export function FlagLifecycleActions({ featureId, featureKey, archived, canEdit }: { featureId: string; featureKey: string; archived: boolean; canEdit: boolean }) {
  const disabled = canEdit ? undefined : "Only team admins and requesters change flags.";
  return (
    <>
      {!archived && (
        <ConfirmButton fields={{ intent: "archiveFeature", featureId }} label="Archive" ariaLabel={`Archive ${featureKey}`}
          title={`Archive ${featureKey}?`} confirmLabel="Archive flag" pendingLabel="Archiving…" disabled={disabled}>
          <p>Archived flags leave every snapshot: SDKs and OFREP stop serving <span className="mono">{featureKey}</span> and callers get their default.</p>
          <FreezeOverride id={`archive-freeze-${featureId}`} />
        </ConfirmButton>
      )}
      <ConfirmButton fields={{ intent: "deleteFeature", featureId }} label="Delete" ariaLabel={`Delete ${featureKey}`}
        title={`Delete ${featureKey}?`} confirmLabel="Delete flag" pendingLabel="Deleting…" disabled={disabled}>
        <p>This removes <span className="mono">{featureKey}</span>, its variants, rules and history for good. Flags that require it must drop the prerequisite first.</p>
        <FreezeOverride id={`delete-freeze-${featureId}`} />
      </ConfirmButton>
    </>
  );
}

function FreezeOverride({ id }: { id: string }) {
  return (
    <div className="field">
      <label htmlFor={id}>Freeze override reason <span className="hint">(only during a freeze window; team admins)</span></label>
      <input id={id} name="freezeOverrideReason" />
    </div>
  );
}
