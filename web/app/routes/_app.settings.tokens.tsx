// Automation tokens: a team's credentials for scripts and CI (docs/ROLES.md, "Automation tokens").
// Team admins create them with scopes and an expiry (the token is shown once, with a copy button)
// and revoke them; the API refuses a revoked or expired token at once.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { FetcherForm } from "~/components/FetcherForm";
import { Field, FieldGroup } from "~/components/Field";
import { ConfirmButton } from "~/components/ConfirmButton";
import { SecretOnce } from "~/components/SecretOnce";
import { SectionError } from "~/components/settings/SectionError";
import { SettingsTable } from "~/components/settings/SettingsTable";
import type { AutomationScope } from "~/gql/graphql";
import { AutomationTokensDoc, CreateAutomationTokenDoc, RevokeAutomationTokenDoc } from "~/lib/docs/people";
import { text } from "~/lib/form";
import { latestTokenDay, tokenExpiry, tokenProblems } from "~/lib/identity-forms";
import { formatDay, formatTime, tokenState } from "~/lib/people-format";
import { perform, refusal, unknownIntent } from "~/lib/settings-action.server";
import { requireTeam } from "~/lib/team.server";

export const meta: MetaFunction = () => [{ title: "Automation tokens · Settings · FluxGate" }];
export { SectionError as ErrorBoundary };

const SCOPES: { value: AutomationScope; label: string; hint: string }[] = [
  { value: "admin_read", label: "admin:read", hint: "queries only: acts as a viewer" },
  { value: "flag_write", label: "flag:write", hint: "feature, segment and rule changes and stage requests: acts as a requester" },
];
const DAY_MS = 86_400_000;

export async function loader({ context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  const { automationTokens } = await context.auth.query(AutomationTokensDoc, { teamId: team.id });
  return { tokens: automationTokens.nodes, now: Date.now() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  switch (text(form, "intent")) {
    case "create": {
      const team = await requireTeam(context);
      const problem = refusal(tokenProblems(form));
      if (problem) return problem;
      return perform(() => context.auth.gql(CreateAutomationTokenDoc, { input: {
        teamId: team.id, name: text(form, "name"), scopes: form.getAll("scopes").map(String) as AutomationScope[],
        expiresAt: tokenExpiry(text(form, "expiresOn"))!.toISOString(),
      } }), (created) => ({ token: created.createAutomationToken.token, name: created.createAutomationToken.automationToken.name }));
    }
    case "revoke":
      return perform(() => context.auth.gql(RevokeAutomationTokenDoc, { id: text(form, "id") }));
    default:
      return unknownIntent();
  }
}

export default function Tokens() {
  const { tokens, now } = useLoaderData<typeof loader>();
  const defaultDay = new Date(now + 90 * DAY_MS).toISOString().slice(0, 10);
  return (
    <div className="stack">
      <h1>Automation tokens</h1>
      <p className="muted">Scripts and CI call the admin API with <code>Authorization: Bearer fga_…</code>. A token belongs to this team only, is never an approver, and appears in the audit log as <code>token:&lt;name&gt;</code>.</p>
      <SettingsTable label="Automation tokens" columns={["Name", "Token", "Scopes", "Expires", "Last used", "Status"]}
        empty="No automation tokens yet."
        rows={tokens.map((token) => {
              const state = tokenState(token, now);
              return (
                <tr key={token.id} data-token={token.name}>
                  <td data-label="Name">{token.name}</td>
                  <td data-label="Token" className="mono small">{token.tokenPrefix}…</td>
                  <td data-label="Scopes" className="small">{token.scopes.map((s) => s.replace("_", ":")).join(", ")}</td>
                  <td data-label="Expires" className="small">{formatDay(token.expiresAt)}</td>
                  <td data-label="Last used" className="small">{token.lastUsedAt ? formatTime(token.lastUsedAt) : <span className="muted">never</span>}</td>
                  <td data-label="Status"><span className={`badge ${state === "active" ? "on" : "off"}`}>{state}</span></td>
                  <td>
                    {state === "active" && (
                      <ConfirmButton fields={{ intent: "revoke", id: token.id }} label="Revoke" ariaLabel={`Revoke ${token.name}`}
                        title={`Revoke the token ${token.name}?`} confirmLabel="Revoke token" pendingLabel="Revoking…">
                        <p>Every script or pipeline using it is refused from now on. This cannot be undone: create a new token to replace it.</p>
                      </ConfirmButton>
                    )}
                  </td>
                </tr>
              );
            })} />
      <section className="card stack" aria-labelledby="new-token">
        <h2 id="new-token">New automation token</h2>
        <FetcherForm<{ token: string; name: string }> intent="create" check={(form) => tokenProblems(form)} label="New automation token"
          submitLabel="Create token" pendingLabel="Creating…" resetOnSuccess
          success={(d) => <SecretOnce label="Token" value={d.token}>Store it in your CI's secrets now: {d.name} is shown only this once.</SecretOnce>}>
          <div className="grid-2">
            <Field name="name" label="Name" required maxLength={100} placeholder="e.g. deploy pipeline" />
            <Field name="expiresOn" label="Expires on (end of day, UTC)" type="date" required defaultValue={defaultDay}
              min={new Date(now + DAY_MS).toISOString().slice(0, 10)} max={latestTokenDay(new Date(now))} hint="At most one year ahead." />
          </div>
          <ScopeChoices />
        </FetcherForm>
      </section>
    </div>
  );
}

function ScopeChoices() {
  return (
    <FieldGroup name="scopes" legend="Scopes" className="checks" legendClassName="small" row={false}>
      {SCOPES.map((scope) => (
        <label key={scope.value}><input type="checkbox" name="scopes" value={scope.value} defaultChecked={scope.value === "admin_read"} />
          <span><span className="mono">{scope.label}</span> <span className="small muted">({scope.hint})</span></span></label>
      ))}
    </FieldGroup>
  );
}
