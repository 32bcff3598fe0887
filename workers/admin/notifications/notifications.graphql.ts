// Notifications: a team's channels (webhook, email, SMS; secrets write-only, shown masked), its
// preferences per notification type and channel, the delivery outbox, a test send, and users'
// mobile numbers for SMS. Everything team-scoped is for Team Admins (and system admins) only.
import type { NotificationChannel } from "../../../db/schema";
import { configureChannel, listChannels, removeChannel, type ChannelView } from "./channels";
import { listDeliveries, sendTestNotification, setUserMobile } from "./deliveries";
import type { DeliveryRow } from "./delivery";
import type { StoredEvent } from "./event";
import { listPreferences, setPreference } from "./preferences";
import { withoutNulls } from "../graphql/inputs";
import type { FieldResolver, ModuleResolvers } from "../graphql/module";

export const typeDefs = /* GraphQL */ `
  enum NotificationChannel { webhook email sms }
  enum NotificationType {
    feature_created stage_change_requested stage_change_approved approval_rejected feature_deployed feature_rolled_back
    team_created user_added_to_team kill_switch_activated kill_switch_deactivated test
  }
  enum NotificationDeliveryStatus { queued sent failed skipped }
  "webhook bodies: json (the event, signed) or slack (a Slack incoming-webhook { text } body, signed too)"
  enum WebhookFormat { json slack }

  "A stored secret: never readable, only whether it is set and a masked preview."
  type MaskedSecret {
    name: String!
    configured: Boolean!
    "The last 4 characters (…a1b2), or a URL's origin (https://hooks.example.com/…)."
    preview: String!
  }

  type NotificationChannelConfig {
    channel: NotificationChannel!
    "False until a Team Admin configures the channel."
    configured: Boolean!
    enabled: Boolean!
    "webhook: the body format."
    format: WebhookFormat
    "email: the HTTP email API endpoint (JSON POST) and the sender address."
    endpoint: String
    from: String
    "sms: the Twilio account SID and sending number."
    accountSid: String
    fromNumber: String
    "webhook: url, signingSecret; email: apiKey; sms: authToken."
    secrets: [MaskedSecret!]!
    updatedAt: DateTime
  }

  "Whether a notification type goes out on each channel (true unless switched off)."
  type NotificationPreference {
    type: NotificationType!
    webhook: Boolean!
    email: Boolean!
    sms: Boolean!
  }

  type NotificationSettings {
    teamId: ID!
    channels: [NotificationChannelConfig!]!
    preferences: [NotificationPreference!]!
  }

  type NotificationDelivery {
    id: ID!
    eventId: ID!
    type: NotificationType!
    channel: NotificationChannel!
    status: NotificationDeliveryStatus!
    subject: String!
    data: JSON!
    attempts: Int!
    "When the next attempt is due (queued rows)."
    nextAttemptAt: DateTime!
    "Why the last attempt failed or the row was skipped (HTTP status and host only)."
    lastError: String
    "Email addresses or mobile numbers the last attempt went to."
    recipients: [String!]
    createdAt: DateTime!
    sentAt: DateTime
  }

  type NotificationDeliveryConnection {
    nodes: [NotificationDelivery!]!
    pageInfo: PageInfo!
  }

  type NotificationContact {
    userId: ID!
    email: String!
    mobile: String
  }

  input WebhookChannelInput {
    enabled: Boolean = true
    format: WebhookFormat = json
    "Required the first time; omitted: keep the stored one. https (http only in development)."
    url: String
    "Required the first time (16+ characters); the key of the X-FluxGate-Signature HMAC-SHA256."
    signingSecret: String
  }

  input EmailChannelInput {
    enabled: Boolean = true
    "The email API's JSON endpoint, e.g. https://api.resend.com/emails."
    endpoint: String!
    from: String!
    "Required the first time; sent as Authorization: Bearer."
    apiKey: String
  }

  input SmsChannelInput {
    enabled: Boolean = true
    accountSid: String!
    "E.164, e.g. +15551234567."
    fromNumber: String!
    "Required the first time."
    authToken: String
  }

  extend type Query {
    "The team's channels (secrets masked) and preferences. Team Admins."
    notificationSettings(teamId: ID!): NotificationSettings!
    "The team's notification deliveries, newest first. Team Admins."
    notificationDeliveries(teamId: ID!, status: NotificationDeliveryStatus, channel: NotificationChannel, first: Int = 25, after: String): NotificationDeliveryConnection!
  }

  extend type Mutation {
    configureWebhookChannel(teamId: ID!, input: WebhookChannelInput!): NotificationChannelConfig!
    configureEmailChannel(teamId: ID!, input: EmailChannelInput!): NotificationChannelConfig!
    configureSmsChannel(teamId: ID!, input: SmsChannelInput!): NotificationChannelConfig!
    removeNotificationChannel(teamId: ID!, channel: NotificationChannel!): Boolean!
    setNotificationPreference(teamId: ID!, type: NotificationType!, channel: NotificationChannel!, enabled: Boolean!): NotificationPreference!
    "Sends a test notification through the channel now and returns its delivery. Email and SMS go to the caller."
    sendTestNotification(teamId: ID!, channel: NotificationChannel!): NotificationDelivery!
    "A user's mobile number for SMS notifications (null clears it). The user or a system admin."
    setUserMobile(userId: ID!, mobile: String): NotificationContact!
  }
`;

type Input = Record<string, unknown>;
const configure = (channel: NotificationChannel): FieldResolver =>
  async (_p, args: { teamId: string; input: Input }, ctx) =>
    configureChannel(ctx.deps, await ctx.principal(), args.teamId, channel, withoutNulls(args.input));

export const resolvers: ModuleResolvers = {
  NotificationChannelConfig: {
    format: (view: ChannelView) => view.settings.format ?? null,
    endpoint: (view: ChannelView) => view.settings.endpoint ?? null,
    from: (view: ChannelView) => view.settings.from ?? null,
    accountSid: (view: ChannelView) => view.settings.accountSid ?? null,
    fromNumber: (view: ChannelView) => view.settings.fromNumber ?? null,
  },
  NotificationDelivery: {
    subject: (row: DeliveryRow) => (row.payload as unknown as StoredEvent).subject,
    data: (row: DeliveryRow) => (row.payload as unknown as StoredEvent).data,
  },
  Query: {
    notificationSettings: async (_p, args: { teamId: string }, ctx) => {
      const principal = await ctx.principal();
      const channels = await listChannels(ctx.deps, principal, args.teamId);
      return { teamId: args.teamId, channels, preferences: await listPreferences(ctx.deps, principal, args.teamId) };
    },
    notificationDeliveries: async (_p, args: { teamId: string; status?: string | null; channel?: string | null; first?: number; after?: string }, ctx) =>
      listDeliveries(ctx.deps, await ctx.principal(), args.teamId, { status: args.status, channel: args.channel }, args),
  },
  Mutation: {
    configureWebhookChannel: configure("webhook"),
    configureEmailChannel: configure("email"),
    configureSmsChannel: configure("sms"),
    removeNotificationChannel: async (_p, args: { teamId: string; channel: NotificationChannel }, ctx) =>
      removeChannel(ctx.deps, await ctx.principal(), args.teamId, args.channel),
    setNotificationPreference: async (_p, args: { teamId: string; type: string; channel: string; enabled: boolean }, ctx) =>
      setPreference(ctx.deps, await ctx.principal(), args.teamId, { type: args.type, channel: args.channel, enabled: args.enabled }),
    sendTestNotification: async (_p, args: { teamId: string; channel: NotificationChannel }, ctx) =>
      sendTestNotification(ctx.deps, await ctx.principal(), args.teamId, args.channel),
    setUserMobile: async (_p, args: { userId: string; mobile?: string | null }, ctx) =>
      setUserMobile(ctx.deps, await ctx.principal(), args.userId, args.mobile ?? null),
  },
};
