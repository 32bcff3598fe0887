// Notification channels of the team: a signed webhook (JSON or Slack), email through an HTTP email
// API, SMS through Twilio. Secrets are write-only: the API returns only masked previews, the
// fields are never filled back, and a blank secret keeps the stored one. A test send goes out at
// once and its delivery (status, error, recipients) is shown.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useFetcher, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { CheckedForm } from "~/components/CheckedForm";
import { Field } from "~/components/Field";
import { ConfirmButton } from "~/components/ConfirmButton";
import { attempt, isFailure } from "~/lib/action.server";
import { ApiError, failure } from "~/lib/api-error";
import { channelProblems, CHANNELS, readChannel, type ChannelName } from "~/lib/settings-forms/channels";
import {
  ConfigureEmailDoc, ConfigureSmsDoc, ConfigureWebhookDoc, NotificationSettingsDoc, RemoveChannelDoc, TestNotificationDoc,
} from "~/lib/docs/settings-delivery";
import { text } from "~/lib/form";
import { requireTeam } from "~/lib/team.server";

export const meta: MetaFunction = () => [{ title: "Notifications · Settings · FluxGate" }];

const TITLE: Record<ChannelName, string> = { webhook: "Webhook", email: "Email", sms: "SMS" };

export async function loader({ context }: LoaderFunctionArgs) {
  const team = await requireTeam(context);
  try {
    const data = await context.auth.gql(NotificationSettingsDoc, { teamId: team.id });
    return { channels: data.notificationSettings.channels, deliveries: data.notificationDeliveries.nodes, refused: null };
  } catch (error) {
    // Channels are team admins' business: other members get the API's reason, not an error page.
    if (error instanceof ApiError && error.code === "FORBIDDEN") return { channels: [], deliveries: [], refused: error.message };
    throw error;
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const team = await requireTeam(context);
  const form = await request.formData();
  const intent = text(form, "intent");
  const channel = text(form, "channel") as ChannelName;
  if (!CHANNELS.includes(channel)) return failure({ code: "BAD_USER_INPUT", message: "Choose a channel." });
  const teamId = team.id;
  switch (intent) {
    case "configure": {
      const input = readChannel(channel, form);
      const problem = Object.entries(channelProblems(channel, input, text(form, "configured") === "true"))[0];
      if (problem) return failure({ code: "BAD_USER_INPUT", field: problem[0], message: problem[1] });
      const result = await attempt<unknown>(() => channel === "webhook"
        ? context.auth.gql(ConfigureWebhookDoc, { teamId, input: input as never })
        : channel === "email" ? context.auth.gql(ConfigureEmailDoc, { teamId, input: input as never })
          : context.auth.gql(ConfigureSmsDoc, { teamId, input: input as never }));
      return isFailure(result) ? result : { ok: true as const, message: `${TITLE[channel]} channel saved.`, delivery: null };
    }
    case "test": {
      const result = await attempt(() => context.auth.gql(TestNotificationDoc, { teamId, channel }));
      return isFailure(result) ? result : { ok: true as const, message: null, delivery: result.sendTestNotification };
    }
    case "remove": {
      const result = await attempt(() => context.auth.gql(RemoveChannelDoc, { teamId, channel }));
      return isFailure(result) ? result : { ok: true as const, message: `${TITLE[channel]} channel removed.`, delivery: null };
    }
    default:
      return failure({ code: "BAD_USER_INPUT", message: "Unknown action." });
  }
}

type Channel = ReturnType<typeof useLoaderData<typeof loader>>["channels"][number];

export default function Notifications() {
  const { channels, deliveries, refused } = useLoaderData<typeof loader>();
  if (refused) {
    return (
      <div className="stack">
        <h1>Notifications</h1>
        <p className="notice">Only team admins see and change the team's notification channels. ({refused})</p>
      </div>
    );
  }
  return (
    <div className="stack">
      <h1>Notifications</h1>
      <p className="muted">Where the team's events go (approvals, deploys, kill switches…). Secrets are write-only: they are never shown again, only recognised by a masked preview.</p>
      <div className="grid-2">
        {CHANNELS.map((name) => {
          const config = channels.find((c) => c.channel === name);
          return config ? <ChannelCard key={name} config={config} /> : null;
        })}
      </div>
      <section className="stack" aria-labelledby="deliveries-title">
        <h2 id="deliveries-title">Recent deliveries</h2>
        <div className="table-wrap">
          <table>
            <caption className="sr-only">The team's latest notification deliveries</caption>
            <thead><tr><th scope="col">When</th><th scope="col">Channel</th><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Detail</th></tr></thead>
            <tbody>
              {deliveries.length === 0 && <tr><td colSpan={5} className="empty">Nothing sent yet.</td></tr>}
              {deliveries.map((d) => (
                <tr key={d.id}>
                  <td className="small">{new Date(d.createdAt).toLocaleString("en-GB", { timeZone: "UTC", dateStyle: "short", timeStyle: "medium" })} UTC</td>
                  <td data-label="Channel">{d.channel}</td>
                  <td data-label="Event">{d.type.replace(/_/g, " ")}</td>
                  <td data-label="Status"><span className={`badge ${d.status === "sent" ? "on" : d.status === "failed" ? "killed" : "pending"}`}>{d.status}</span></td>
                  <td data-label="Detail" className="small">{d.lastError ?? (d.recipients?.join(", ") || "—")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}

type Answer = Awaited<ReturnType<typeof action>>;

function ChannelCard({ config }: { config: Channel }) {
  const name = config.channel as ChannelName;
  const save = useFetcher<Answer>();
  const test = useFetcher<Answer>();
  const saveError = save.data && !save.data.ok ? save.data.error : null;
  const secret = (field: string) => config.secrets.find((s) => s.name === field);
  const id = (field: string) => `${name}-${field}`;
  const delivery = test.data?.ok ? test.data.delivery : null;
  return (
    <section className="card stack" aria-labelledby={`${name}-title`} data-channel={name}>
      <div className="row">
        <h2 id={`${name}-title`} style={{ margin: 0 }}>{TITLE[name]}</h2>
        <span className={`badge ${config.configured && config.enabled ? "on" : "off"}`}>{!config.configured ? "not configured" : config.enabled ? "enabled" : "disabled"}</span>
      </div>
      {/* A new key once saved: the write-only secret fields are cleared, never filled back. */}
      <CheckedForm as={save.Form} autoComplete="off" key={config.updatedAt ?? "new"} error={saveError}
        check={(form) => channelProblems(name, readChannel(name, form), config.configured)}
        fields={{ intent: "configure", channel: name, configured: String(config.configured) }}
        actions={<>
          {save.data?.ok && save.data.message && <p className="notice" role="status">{save.data.message}</p>}
          <div><button type="submit" className="primary" disabled={save.state !== "idle"}>{save.state !== "idle" ? "Saving…" : `Save ${TITLE[name].toLowerCase()} channel`}</button></div>
        </>}>
        {name === "webhook" && <>
          <SecretField id={id("url")} name="url" label="URL" stored={secret("url")} type="url"
            hint="https (http to a local receiver in development). Kept secret: Slack-style URLs are credentials." />
          <SecretField id={id("signingSecret")} name="signingSecret" label="Signing secret" stored={secret("signingSecret")}
            hint="16+ characters; the key of the X-FluxGate-Signature HMAC-SHA256." />
          <Field id={id("format")} name="format" label="Body format" control={(props) => (
            <select {...props} defaultValue={config.format ?? "json"}>
              <option value="json">JSON event (signed)</option><option value="slack">Slack message (signed)</option>
            </select>
          )} />
        </>}
        {name === "email" && <>
          <Field id={id("endpoint")} name="endpoint" label="Email API endpoint" hint="A JSON POST endpoint, e.g. https://api.resend.com/emails." type="url" defaultValue={config.endpoint ?? ""} />
          <Field id={id("from")} name="from" label="Sender address" defaultValue={config.from ?? ""} />
          <SecretField id={id("apiKey")} name="apiKey" label="API key" stored={secret("apiKey")} hint="Sent as Authorization: Bearer." />
        </>}
        {name === "sms" && <>
          <Field id={id("accountSid")} name="accountSid" label="Twilio account SID" className="mono" defaultValue={config.accountSid ?? ""} />
          <Field id={id("fromNumber")} name="fromNumber" label="Sending number" hint="E.164, e.g. +15551234567." type="tel" defaultValue={config.fromNumber ?? ""} />
          <SecretField id={id("authToken")} name="authToken" label="Auth token" stored={secret("authToken")} hint="16+ characters." />
        </>}
        <label className="check"><input type="checkbox" name="enabled" defaultChecked={config.configured ? config.enabled : true} /> Enabled</label>
      </CheckedForm>
      {config.configured && (
        <div className="row">
          <test.Form method="post">
            <input type="hidden" name="intent" value="test" />
            <input type="hidden" name="channel" value={name} />
            <button type="submit" disabled={test.state !== "idle"}>{test.state !== "idle" ? "Sending…" : "Send a test"}</button>
          </test.Form>
          <ConfirmButton label="Remove" ariaLabel={`Remove the ${TITLE[name].toLowerCase()} channel`} title={<>Remove the {TITLE[name].toLowerCase()} channel?</>}
            fields={{ intent: "remove", channel: name }} confirmLabel="Remove channel" pendingLabel="Removing…">
            <p>Its settings and secrets are deleted; nothing more is sent through it until it is configured again.</p>
          </ConfirmButton>
        </div>
      )}
      <div aria-live="polite">
        {test.data && !test.data.ok && <p className="error" role="alert">{test.data.error.message}</p>}
        {delivery && (
          <p className={delivery.status === "sent" ? "notice" : "error"} data-test-result={delivery.status}>
            Test {delivery.status}{delivery.attempts > 1 ? ` after ${delivery.attempts} attempts` : ""}
            {delivery.lastError ? `: ${delivery.lastError}` : ""}{delivery.recipients?.length ? ` to ${delivery.recipients.join(", ")}` : ""}.
          </p>
        )}
      </div>
    </section>
  );
}

/** A write-only secret: never filled back; blank keeps the stored one (named by its masked preview). */
function SecretField({ id, name, label, hint, stored, type = "password" }: {
  id: string; name: string; label: string; hint?: ReactNode; stored?: { configured: boolean; preview: string }; type?: string;
}) {
  return (
    <Field id={id} name={name} label={label}
      hint={<>{stored?.configured ? <>Stored: <span className="mono">{stored.preview}</span>. Leave blank to keep it. </> : null}{hint}</>}
      type={type} autoComplete="off" placeholder={stored?.configured ? "leave blank to keep" : undefined} />
  );
}
