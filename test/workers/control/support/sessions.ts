// Logging in as the demo users (and as an outsider: the team admin of another team) for the
// control-plane tests. Demo users all have the password DEMO_PASSWORD.
import { env } from "cloudflare:workers";
import {
  DEMO_PASSWORD, DEMO_PASSWORD_HASHES, DEMO_USER_IDS, type DemoUserName,
} from "../../../../db/seed/demo-data";
import { controlDeps } from "../../../../workers/admin/core/deps";
import { reseedDemo } from "../../support/seed-demo";
import { gql, ok } from "./graphql";

/** A demo user, or `outsider`: team admin of the team Globex and member of nothing else. */
export type Role = DemoUserName | "outsider";

export const OUTSIDER_TEAM_ID = "00000000-0000-4000-8000-00000000f0b1";
export const OUTSIDER_USER_ID = "00000000-0000-4000-8000-00000000f0b2";

export interface LoggedIn {
  userId: string;
  accessToken: string;
  refreshToken: string;
}

const SESSION_FIELDS = "accessToken refreshToken accessTokenExpiresAt refreshTokenExpiresAt mustChangePassword user { id username }";

export const LOGIN = /* GraphQL */ `
  mutation Login($login: String!, $password: String!) {
    login(input: { login: $login, password: $password }) { ${SESSION_FIELDS} }
  }`;

export const REFRESH = /* GraphQL */ `
  mutation Refresh($token: String!) { refreshSession(refreshToken: $token) { ${SESSION_FIELDS} } }`;

export async function loginAs(role: Role, password = DEMO_PASSWORD): Promise<LoggedIn> {
  const login = role === "outsider" ? "outsider@globex.test" : `${role}@acme.test`;
  const session = ok(await gql(LOGIN, { login, password })).login;
  return { userId: session.user.id, accessToken: session.accessToken, refreshToken: session.refreshToken };
}

export const userIdOf = (role: Role) => (role === "outsider" ? OUTSIDER_USER_ID : DEMO_USER_IDS[role]);

/**
 * Pristine demo data plus the outsider's team and user, and no isolate-cached signing keys
 * (their rows were just deleted).
 */
export async function reseedControl(): Promise<void> {
  await reseedDemo(env);
  controlDeps(env).isolateCache.clear();
  const now = Date.UTC(2026, 0, 1);
  await env.DB.batch([
    env.DB.prepare("INSERT INTO teams (id, name, description, created_at, updated_at) VALUES (?, 'Globex', 'Another team', ?, ?)")
      .bind(OUTSIDER_TEAM_ID, now, now),
    env.DB.prepare(`INSERT INTO users (id, username, email, display_name, password_hash, must_change_password, is_system_admin,
        enabled, failed_login_count, created_at, updated_at) VALUES (?, 'outsider', 'outsider@globex.test', 'Otto Outsider', ?, 0, 0, 1, 0, ?, ?)`)
      .bind(OUTSIDER_USER_ID, DEMO_PASSWORD_HASHES.viewer, now, now),
    env.DB.prepare("INSERT INTO team_memberships (team_id, user_id, role, created_at) VALUES (?, ?, 'team_admin', ?)")
      .bind(OUTSIDER_TEAM_ID, OUTSIDER_USER_ID, now),
  ]);
}
