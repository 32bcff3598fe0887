// Shared by the notification tests: GraphQL documents, channel set-ups with recognisable secrets,
// and readers of the outbox in D1.
import { env } from "cloudflare:workers";
import { DEMO_TEAM_ID } from "../../../db/seed/demo-data";
import { as, ok } from "./support/config";

export const WEBHOOK_URL = "https://hooks.example.test/services/T000/B000/very-secret-webhook-path";
export const SIGNING_SECRET = "whsec_signing_secret_0123456789abcdef";
export const EMAIL_API_KEY = "re_email_api_key_0123456789abcdef";
export const SMS_AUTH_TOKEN = "twilio_auth_token_0123456789abcdef";
export const ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
export const ALL_SECRETS = [WEBHOOK_URL, "very-secret-webhook-path", SIGNING_SECRET, EMAIL_API_KEY, SMS_AUTH_TOKEN];

const CHANNEL_FIELDS = "channel configured enabled format endpoint from accountSid fromNumber secrets { name configured preview } updatedAt";

export const CONFIGURE_WEBHOOK = /* GraphQL */ `mutation($teamId: ID!, $input: WebhookChannelInput!) {
  configureWebhookChannel(teamId: $teamId, input: $input) { ${CHANNEL_FIELDS} } }`;
export const CONFIGURE_EMAIL = /* GraphQL */ `mutation($teamId: ID!, $input: EmailChannelInput!) {
  configureEmailChannel(teamId: $teamId, input: $input) { ${CHANNEL_FIELDS} } }`;
export const CONFIGURE_SMS = /* GraphQL */ `mutation($teamId: ID!, $input: SmsChannelInput!) {
  configureSmsChannel(teamId: $teamId, input: $input) { ${CHANNEL_FIELDS} } }`;
export const SETTINGS = /* GraphQL */ `query($teamId: ID!) {
  notificationSettings(teamId: $teamId) { teamId channels { ${CHANNEL_FIELDS} } preferences { type webhook email sms } } }`;
export const DELIVERIES = /* GraphQL */ `query($teamId: ID!, $status: NotificationDeliveryStatus) {
  notificationDeliveries(teamId: $teamId, status: $status) {
    nodes { id eventId type channel status subject data attempts nextAttemptAt lastError recipients createdAt sentAt }
    pageInfo { hasNextPage } } }`;
export const SET_PREFERENCE = /* GraphQL */ `mutation($teamId: ID!, $type: NotificationType!, $channel: NotificationChannel!, $enabled: Boolean!) {
  setNotificationPreference(teamId: $teamId, type: $type, channel: $channel, enabled: $enabled) { type webhook email sms } }`;
export const TEST_SEND = /* GraphQL */ `mutation($teamId: ID!, $channel: NotificationChannel!) {
  sendTestNotification(teamId: $teamId, channel: $channel) { id type channel status attempts lastError recipients } }`;
export const KILL = /* GraphQL */ `mutation($id: ID!) { emergencyDisableFeature(id: $id, rollbackInMinutes: 30, reason: "incident") { id killSwitchEnabled } }`;
export const ADD_MEMBER = /* GraphQL */ `mutation($teamId: ID!, $user: String!, $role: TeamRole!) {
  addTeamMember(input: { teamId: $teamId, user: $user, role: $role }) { user { id } role } }`;

export async function configureAllChannels(webhookUrl = WEBHOOK_URL): Promise<void> {
  ok(await as("teamadmin", CONFIGURE_WEBHOOK, { teamId: DEMO_TEAM_ID, input: { url: webhookUrl, signingSecret: SIGNING_SECRET } }));
  ok(await as("teamadmin", CONFIGURE_EMAIL, {
    teamId: DEMO_TEAM_ID, input: { endpoint: "https://mail.example.test/emails", from: "FluxGate <flags@acme.test>", apiKey: EMAIL_API_KEY },
  }));
  ok(await as("teamadmin", CONFIGURE_SMS, { teamId: DEMO_TEAM_ID, input: { accountSid: ACCOUNT_SID, fromNumber: "+15550009999", authToken: SMS_AUTH_TOKEN } }));
}

export interface OutboxRow {
  id: string;
  event_id: string;
  type: string;
  channel: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  payload: string;
}

export const outbox = async (type?: string): Promise<OutboxRow[]> =>
  (await env.DB.prepare(`SELECT * FROM notification_deliveries ${type ? "WHERE type = ?" : ""} ORDER BY channel`)
    .bind(...(type ? [type] : [])).all<OutboxRow>()).results;
