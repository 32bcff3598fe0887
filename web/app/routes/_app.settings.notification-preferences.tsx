// Notification preferences: which notification types the current team sends on each channel (team
// admins switch them; on unless switched off), and the signed-in user's own mobile number, where
// SMS notifications reach them (anyone, for themself).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { FormError } from "~/components/FormError";
import { FetcherForm, type ActionResult } from "~/components/FetcherForm";
import { Field } from "~/components/Field";
import { SectionError } from "~/components/settings/SectionError";
import type { NotificationChannel, NotificationType } from "~/gql/graphql";
import { failure } from "~/lib/api-error";
import { NotificationPreferencesDoc, SetMobileDoc, SetPreferenceDoc } from "~/lib/docs/governance";
import { text } from "~/lib/form";
import { mobileProblems } from "~/lib/request-actions";
import { perform, refusal, unknownIntent } from "~/lib/settings-action.server";
import { loadShell } from "~/lib/team.server";

export const meta: MetaFunction = () => [{ title: "Notification preferences · Settings · FluxGate" }];
export { SectionError as ErrorBoundary };

const CHANNELS: NotificationChannel[] = ["webhook", "email", "sms"];
const CHANNEL_LABEL: Record<NotificationChannel, string> = { webhook: "Webhook", email: "Email", sms: "SMS" };

export async function loader({ context }: LoaderFunctionArgs) {
  const { me, current } = await loadShell(context);
  const admin = me.isSystemAdmin || current?.myRole === "team_admin";
  const preferences = current && admin
    ? (await context.auth.query(NotificationPreferencesDoc, { teamId: current.id })).notificationSettings.preferences.filter((p) => p.type !== "test")
    : null;
  return { team: current, preferences };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const { me, current } = await loadShell(context);
  switch (text(form, "intent")) {
    case "preference": {
      const channel = text(form, "channel") as NotificationChannel;
      if (!current) return failure({ code: "NOT_FOUND", message: "Choose a team first." });
      if (!CHANNELS.includes(channel)) return failure({ code: "BAD_USER_INPUT", field: "channel", message: "Choose webhook, email or SMS." });
      return perform(() => context.auth.gql(SetPreferenceDoc, {
        teamId: current.id, type: text(form, "type") as NotificationType, channel, enabled: text(form, "enabled") === "true",
      }));
    }
    case "mobile": {
      const mobile = text(form, "mobile");
      return refusal(mobileProblems(form)) ?? perform(() => context.auth.gql(SetMobileDoc, { userId: me.id, mobile: mobile || null }),
        (r) => ({ mobile: r.setUserMobile.mobile ?? null }));
    }
    default:
      return unknownIntent();
  }
}

const typeLabel = (type: string) => type.charAt(0).toUpperCase() + type.slice(1).replace(/_/g, " ");

export default function NotificationPreferences() {
  const { team, preferences } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>Notification preferences</h1>
      <section className="card stack" aria-labelledby="prefs-title">
        <h2 id="prefs-title">What {team?.name ?? "the team"} announces</h2>
        {preferences === null
          ? <p className="muted">Only the team's admins choose which notifications go out. Ask one to switch a type off or on.</p>
          : <>
              <p className="small muted">Every type goes out on every configured channel unless switched off here. Email and SMS reach the team's members.</p>
              <div className="table-wrap">
                <table aria-label="Notification preferences">
                  <thead><tr><th scope="col">Notification</th>{CHANNELS.map((c) => <th key={c} scope="col">{CHANNEL_LABEL[c]}</th>)}</tr></thead>
                  <tbody>
                    {preferences.map((p) => (
                      <tr key={p.type} data-type={p.type}>
                        <th scope="row">{typeLabel(p.type)}</th>
                        {CHANNELS.map((c) => <td key={c}><Toggle type={p.type} channel={c} on={p[c]} /></td>)}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>}
      </section>
      <section className="card stack" aria-labelledby="mobile-title">
        <h2 id="mobile-title">Your mobile number</h2>
        <p className="small muted">SMS notifications and SMS test messages go to this number. Leave it empty to remove your number.</p>
        <FetcherForm<{ mobile: string | null }> intent="mobile" check={mobileProblems} label="Your mobile number" submitLabel="Save number" pendingLabel="Saving…"
          success={(r) => <p className="notice" role="status">{r.mobile ? `SMS now go to ${r.mobile}.` : "Number removed: you receive no SMS."}</p>}>
          <Field name="mobile" label="Mobile number" type="tel" autoComplete="tel" placeholder="+15551234567" hint="International format: + then country code and number." />
        </FetcherForm>
      </section>
    </div>
  );
}

/** One type on one channel: a pressed/unpressed button that flips it (each cell keeps its own result). */
function Toggle({ type, channel, on }: { type: string; channel: NotificationChannel; on: boolean }) {
  const fetcher = useFetcher<ActionResult>();
  const busy = fetcher.state !== "idle";
  // Show the requested state while it is sent; the loader's answer afterwards.
  const shown = busy ? fetcher.formData?.get("enabled") === "true" : on;
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value="preference" />
      <input type="hidden" name="type" value={type} />
      <input type="hidden" name="channel" value={channel} />
      <input type="hidden" name="enabled" value={String(!on)} />
      <button type="submit" aria-pressed={shown} aria-label={`${typeLabel(type)} by ${CHANNEL_LABEL[channel]}`} disabled={busy}
        className={shown ? "primary" : undefined}>{shown ? "On" : "Off"}</button>
      {fetcher.data && !fetcher.data.ok && <FormError error={fetcher.data.error} />}
    </fetcher.Form>
  );
}
