// The signed-in user's account: name and email, a password change (ends the other sessions), and
// the sessions: where they are signed in, the current one marked, ending one or all the others.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { FetcherForm } from "~/components/FetcherForm";
import { Field } from "~/components/Field";
import { ConfirmButton } from "~/components/ConfirmButton";
import { SectionError } from "~/components/settings/SectionError";
import { SettingsTable } from "~/components/settings/SettingsTable";
import { ChangePasswordDoc } from "~/lib/docs/identity";
import { AccountDoc, RevokeOtherSessionsDoc, RevokeSessionDoc, UpdateUserDoc } from "~/lib/docs/people";
import { text } from "~/lib/form";
import { passwordChangeProblems, profileProblems } from "~/lib/identity-forms";
import { formatTime, roleLabel } from "~/lib/people-format";
import { perform, refusal, unknownIntent } from "~/lib/settings-action.server";
import { loadShell } from "~/lib/team.server";

export const meta: MetaFunction = () => [{ title: "Your account · Settings · FluxGate" }];
export { SectionError as ErrorBoundary };

export async function loader({ context }: LoaderFunctionArgs) {
  const { me, mySessions } = await context.auth.query(AccountDoc, {});
  return { me, sessions: mySessions };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  switch (text(form, "intent")) {
    case "profile": {
      const { me } = await loadShell(context);
      return refusal(profileProblems(form)) ?? perform(() => context.auth.gql(UpdateUserDoc, {
        id: me.id, input: { displayName: text(form, "displayName"), email: text(form, "email") },
      }));
    }
    case "password":
      return refusal(passwordChangeProblems(form)) ?? perform(() => context.auth.gql(ChangePasswordDoc, {
        input: { currentPassword: String(form.get("currentPassword") ?? ""), newPassword: String(form.get("newPassword") ?? "") },
      }));
    case "revoke":
      return perform(() => context.auth.gql(RevokeSessionDoc, { id: text(form, "id") }));
    case "revoke-others":
      return perform(() => context.auth.gql(RevokeOtherSessionsDoc, {}), (r) => ({ ended: r.revokeOtherSessions }));
    default:
      return unknownIntent();
  }
}

export default function Account() {
  const { me, sessions } = useLoaderData<typeof loader>();
  const others = sessions.filter((s) => !s.current);
  return (
    <div className="stack">
      <h1>Your account</h1>
      <p className="muted">Signed in as <strong className="mono">{me.username}</strong>
        {me.isSystemAdmin && " · system admin"}
        {me.memberships.length > 0 && ` · ${me.memberships.map((m) => `${m.team.name} (${roleLabel(m.role)})`).join(", ")}`}</p>

      <section className="card stack" aria-labelledby="profile-title">
        <h2 id="profile-title">Profile</h2>
        <FetcherForm intent="profile" check={profileProblems} label="Profile" submitLabel="Save profile" pendingLabel="Saving…"
          success={() => <p className="notice" role="status">Profile saved.</p>}>
          <div className="grid-2">
            <Field name="displayName" label="Display name" defaultValue={me.displayName} maxLength={200} autoComplete="name" />
            <Field name="email" label="Email" type="email" defaultValue={me.email} required autoComplete="email" />
          </div>
        </FetcherForm>
      </section>

      <section className="card stack" aria-labelledby="password-title">
        <h2 id="password-title">Change your password</h2>
        <p className="small muted">Your other sessions end when the password changes; this one continues.</p>
        <FetcherForm intent="password" check={passwordChangeProblems} label="Change your password" submitLabel="Change password"
          pendingLabel="Changing the password…" resetOnSuccess success={() => <p className="notice" role="status">Password changed. Your other sessions were ended.</p>}>
          <input type="text" name="username" value={me.username} autoComplete="username" readOnly hidden />
          <Field name="currentPassword" label="Current password" type="password" autoComplete="current-password" required />
          <div className="grid-2">
            <Field name="newPassword" label="New password" type="password" autoComplete="new-password" required minLength={12} hint="At least 12 characters." />
            <Field name="confirm" label="Repeat the new password" type="password" autoComplete="new-password" required />
          </div>
        </FetcherForm>
      </section>

      <section className="card stack" aria-labelledby="sessions-title">
        <h2 id="sessions-title">Sessions</h2>
        <p className="small muted">Each sign-in (a browser, an app) is a session until it signs out or expires. End one you do not recognise.</p>
        <SettingsTable label="Your sessions" columns={["Session", "Signed in", "Last active", "Expires"]} empty="No live session."
          rows={sessions.map((s) => (
                <tr key={s.id} data-session={s.current ? "current" : "other"}>
                  <td data-label="Session"><span className="mono small">{s.id.slice(0, 8)}</span> {s.current && <span className="badge on">this session</span>}</td>
                  <td data-label="Signed in" className="small">{formatTime(s.startedAt)}</td>
                  <td data-label="Last active" className="small">{formatTime(s.lastActiveAt)}</td>
                  <td data-label="Expires" className="small">{formatTime(s.expiresAt)}</td>
                  <td>
                    {!s.current && (
                      <ConfirmButton fields={{ intent: "revoke", id: s.id }} label="Sign out" ariaLabel={`Sign out session ${s.id.slice(0, 8)}`}
                        title="Sign this session out?" confirmLabel="Sign it out" pendingLabel="Signing out…">
                        <p>The browser or app using session <span className="mono">{s.id.slice(0, 8)}</span> is signed out at its next request.</p>
                      </ConfirmButton>
                    )}
                  </td>
                </tr>
              ))} />
        {others.length > 0
          ? <div className="row">
              <ConfirmButton fields={{ intent: "revoke-others" }} label={`Sign out all other sessions (${others.length})`}
                title="Sign out everywhere else?" confirmLabel="Sign out the others" pendingLabel="Signing out…">
                <p>{others.length === 1 ? "One other session ends" : `${others.length} other sessions end`} at once; this one continues.</p>
              </ConfirmButton>
            </div>
          : <p className="small muted">This is your only session.</p>}
      </section>
    </div>
  );
}
