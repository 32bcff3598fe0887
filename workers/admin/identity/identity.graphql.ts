// Identity: first-run bootstrap, sessions (login, refresh, logout), password change, the caller
// (`me`) and signing-key rotation.
import { clientAddress } from "../../evaluation/data/auth-throttle";
import { requireSystemAdmin } from "./authz";
import { bootstrapAdmin, needsBootstrap, type BootstrapInput } from "./bootstrap";
import { commit } from "../core/commit";
import { notFound } from "../core/errors";
import { changePassword, login, logout, refreshSession } from "./sessions";
import { listSessions, revokeOtherSessions, revokeSession } from "./session-list";
import { rotateSigningKey } from "./signing-keys";
import type { ModuleResolvers } from "../graphql/module";
import { userById } from "./users.graphql";

export const typeDefs = /* GraphQL */ `
  type BootstrapStatus {
    "True while no system admin exists: bootstrapAdmin is open."
    needsBootstrap: Boolean!
    "True outside development: bootstrapAdmin needs input.setupSecret (the deployment's FLUXGATE_SETUP_SECRET)."
    setupSecretRequired: Boolean!
  }

  input BootstrapAdminInput {
    username: String!
    email: String!
    displayName: String
    "At least 12 characters."
    password: String!
    "The deployment's FLUXGATE_SETUP_SECRET (wrangler secret put); required outside development."
    setupSecret: String
  }

  input LoginInput {
    "Username or email."
    login: String!
    password: String!
  }

  input ChangePasswordInput {
    currentPassword: String!
    "At least 12 characters, different from the current one."
    newPassword: String!
  }

  "Credentials of a session. Send the access token as \`Authorization: Bearer <accessToken>\`."
  type Session {
    "ES256 JWT, valid for 15 minutes."
    accessToken: String!
    accessTokenExpiresAt: DateTime!
    "Exchange with refreshSession before the access token expires; single use (rotates)."
    refreshToken: String!
    refreshTokenExpiresAt: DateTime!
    "When true, only changePassword, logout and me are allowed."
    mustChangePassword: Boolean!
    user: User!
  }

  "One of the caller's signed-in sessions (a login, kept alive by refreshes). Never its tokens."
  type UserSession {
    "The session id (the access token's sid)."
    id: ID!
    "The sign-in."
    startedAt: DateTime!
    "The latest refresh of its tokens (clients refresh while in use)."
    lastActiveAt: DateTime!
    "When it ends unless refreshed."
    expiresAt: DateTime!
    "The session this request is made with."
    current: Boolean!
  }

  type SigningKeyRotation {
    "The new active key."
    kid: ID!
    "Keys that now only verify, until the tokens they signed have expired."
    retiredKids: [ID!]!
  }

  extend type Query {
    bootstrapStatus: BootstrapStatus!
    "The caller (allowed while a password change is pending)."
    me: User!
    "The caller's live sessions, most recently active first."
    mySessions: [UserSession!]!
  }

  extend type Mutation {
    """
    Creates the first system admin. Anonymous, and only while no system admin exists (then FORBIDDEN).
    Outside development it needs input.setupSecret: FORBIDDEN with extensions.reason
    SETUP_SECRET_NOT_CONFIGURED (none set), SETUP_SECRET_REQUIRED (none sent) or SETUP_SECRET_INVALID.
    """
    bootstrapAdmin(input: BootstrapAdminInput!): User!
    """
    UNAUTHENTICATED with one generic message for any wrong login or password, whether the login exists
    or not. RATE_LIMITED (extensions.retryAt) after 5 failures in a row for one login from one address
    (1 minute, doubling up to 1 hour) or 30 failures from one address in 15 minutes; other addresses
    are unaffected.
    """
    login(input: LoginInput!): Session!
    """
    Rotates the refresh token. Within 30 s of a rotation the spent token yields the same successor
    again (parallel refreshes); presenting it later, or after that successor was rotated, revokes the session.
    """
    refreshSession(refreshToken: String!): Session!
    "Ends the caller's session (refresh and access tokens)."
    logout: Boolean!
    "Sets a new password, clears a temporary one and ends the caller's other sessions."
    changePassword(input: ChangePasswordInput!): User!
    "Ends one of the caller's sessions at once (its access tokens too). NOT_FOUND for an ended or another user's session."
    revokeSession(id: ID!): Boolean!
    "Ends every session of the caller except the current one; returns how many ended."
    revokeOtherSessions: Int!
    "System admin: a new signing key; tokens signed by the old one stay valid until they expire."
    rotateSigningKey: SigningKeyRotation!
  }
`;

export const resolvers: ModuleResolvers = {
  Query: {
    mySessions: async (_parent, _args, ctx) => listSessions(ctx.deps, await ctx.principal()),
    bootstrapStatus: async (_parent, _args, ctx) => ({
      needsBootstrap: await needsBootstrap(ctx.deps), setupSecretRequired: ctx.deps.config.environment !== "development",
    }),
    me: async (_parent, _args, ctx) => {
      const principal = await ctx.principal({ allowPendingPasswordChange: true });
      return (await ctx.loader(userById).load(principal.userId)) ?? Promise.reject(notFound("User"));
    },
  },
  Mutation: {
    revokeSession: async (_parent, args: { id: string }, ctx) => {
      await revokeSession(ctx.deps, await ctx.principal(), args.id);
      return true;
    },
    revokeOtherSessions: async (_parent, _args, ctx) => revokeOtherSessions(ctx.deps, await ctx.principal()),
    bootstrapAdmin: async (_parent, args: { input: BootstrapInput }, ctx) => {
      const id = await bootstrapAdmin(ctx.deps, args.input);
      return ctx.loader(userById).load(id);
    },
    login: (_parent, args: { input: { login: string; password: string } }, ctx) => login(ctx.deps, args.input, clientAddress(ctx.request.headers)),
    refreshSession: (_parent, args: { refreshToken: string }, ctx) => refreshSession(ctx.deps, args.refreshToken),
    logout: async (_parent, _args, ctx) => {
      await logout(ctx.deps, await ctx.principal({ allowPendingPasswordChange: true }));
      return true;
    },
    changePassword: async (_parent, args: { input: { currentPassword: string; newPassword: string } }, ctx) => {
      const principal = await ctx.principal({ allowPendingPasswordChange: true });
      await changePassword(ctx.deps, principal, args.input, clientAddress(ctx.request.headers));
      return ctx.loader(userById).load(principal.userId);
    },
    rotateSigningKey: async (_parent, _args, ctx) => {
      const principal = await ctx.principal();
      requireSystemAdmin(principal);
      const rotation = await rotateSigningKey(ctx.deps);
      await commit(ctx.deps, {
        actor: principal, statements: [],
        audit: [{
          teamId: null, action: "signing_key.rotate", entityType: "signing_key", entityId: rotation.kid,
          before: { activeKids: rotation.retiredKids }, after: { activeKids: [rotation.kid] },
        }],
      });
      return rotation;
    },
  },
  Session: {
    user: (session: { userId: string }, _args, ctx) => ctx.loader(userById).load(session.userId),
  },
};
