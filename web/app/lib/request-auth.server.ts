// The session of one HTTP request to the console. The cookie (httpOnly, Secure, SameSite=Lax) holds
// the sealed credentials (refresh token + access token) and the chosen team; loaders and actions ask
// this object for GraphQL results and never see a token. One access token is resolved per request
// (parallel loaders share it), refreshed shortly before it expires, and a rotated cookie is written
// by the Pages function once the response is ready (functions/[[path]].ts).
import { createCookieSessionStorage, redirect, type Session, type SessionStorage } from "@remix-run/cloudflare";
import type { TypedDocumentString } from "../gql/graphql";
import { ApiError } from "./api-error";
import { execute } from "./graphql.server";
import { RefreshCoalescer } from "./refresh-coalescer.server";
import { seal, unseal } from "./seal.server";

export const SESSION_COOKIE = "fg_session";
/** Refresh this long before the access token expires, so a request never carries an expiring one. */
const REFRESH_MARGIN_MS = 60_000;
const SESSION_MAX_AGE_S = 30 * 24 * 3600;

interface Credentials {
  refreshToken: string;
  accessToken: string;
  accessTokenExpiresAt: number;
}

/** The fields of the API's Session the console keeps (from login or refreshSession). */
export interface IssuedSession {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
}

const REFRESH = `mutation ConsoleRefresh($refreshToken: String!) {
  refreshSession(refreshToken: $refreshToken) { accessToken accessTokenExpiresAt refreshToken }
}` as unknown as TypedDocumentString<{ refreshSession: IssuedSession }, { refreshToken: string }>;

const coalescer = new RefreshCoalescer<IssuedSession>();
const storages = new Map<string, SessionStorage>();

function storageFor(secrets: string[]): SessionStorage {
  const id = secrets.join(",");
  let storage = storages.get(id);
  if (!storage) {
    storage = createCookieSessionStorage({
      cookie: {
        name: SESSION_COOKIE, httpOnly: true, secure: true, sameSite: "lax", path: "/",
        maxAge: SESSION_MAX_AGE_S, secrets,
      },
    });
    storages.set(id, storage);
  }
  return storage;
}

export class RequestAuth {
  private readonly secrets: string[];
  private readonly storage: SessionStorage;
  private sessionPromise?: Promise<Session>;
  private tokenPromise?: Promise<string | null>;
  private dirty = false;
  private readonly memos = new Map<string, Promise<unknown>>();

  constructor(private readonly request: Request, private readonly api: Fetcher, sessionSecrets: string) {
    this.secrets = sessionSecrets.split(",").map((s) => s.trim()).filter(Boolean);
    if (this.secrets.length === 0) throw new Error("SESSION_SECRETS is empty: set it in web/.dev.vars (local) or as a Pages secret");
    this.storage = storageFor(this.secrets);
  }

  private session(): Promise<Session> {
    this.sessionPromise ??= this.storage.getSession(this.request.headers.get("cookie"));
    return this.sessionPromise;
  }

  /** The access token for this request (refreshed when due), or null when signed out. */
  accessToken(): Promise<string | null> {
    this.tokenPromise ??= this.resolveToken();
    return this.tokenPromise;
  }

  private async resolveToken(): Promise<string | null> {
    const session = await this.session();
    const sealed = session.get("creds") as string | undefined;
    if (!sealed) return null;
    const creds = await unseal<Credentials>(sealed, this.secrets);
    if (!creds) {
      await this.signOut();
      return null;
    }
    if (creds.accessTokenExpiresAt - REFRESH_MARGIN_MS > Date.now()) return creds.accessToken;
    try {
      const issued = await coalescer.run(creds.refreshToken, async () =>
        (await execute(this.api, REFRESH, { refreshToken: creds.refreshToken }, null)).refreshSession);
      await this.store(issued);
      return issued.accessToken;
    } catch (error) {
      if (error instanceof ApiError && error.code === "UNAUTHENTICATED") {
        await this.signOut();
        return null;
      }
      throw error;
    }
  }

  /** Keeps a session the API just issued (login, refresh). */
  async store(issued: IssuedSession): Promise<void> {
    const creds: Credentials = {
      refreshToken: issued.refreshToken,
      accessToken: issued.accessToken,
      accessTokenExpiresAt: Date.parse(issued.accessTokenExpiresAt),
    };
    (await this.session()).set("creds", await seal(creds, this.secrets));
    this.tokenPromise = Promise.resolve(issued.accessToken);
    this.dirty = true;
  }

  async signOut(): Promise<void> {
    const session = await this.session();
    session.unset("creds");
    this.tokenPromise = Promise.resolve(null);
    this.dirty = true;
  }

  async teamId(): Promise<string | undefined> {
    return (await this.session()).get("team") as string | undefined;
  }

  async setTeamId(teamId: string): Promise<void> {
    (await this.session()).set("team", teamId);
    this.dirty = true;
  }

  /**
   * Runs a document as the signed-in user. Signed out, expired or revoked: redirects to the sign-in
   * page (back to this URL afterwards); a pending temporary password: to the password page.
   */
  async gql<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables: TVariables): Promise<TResult> {
    const token = await this.accessToken();
    if (!token) throw redirect(signInUrl(this.request));
    try {
      return await execute(this.api, document, variables, token);
    } catch (error) {
      if (error instanceof ApiError && error.code === "UNAUTHENTICATED") {
        await this.signOut();
        throw redirect(signInUrl(this.request));
      }
      if (error instanceof ApiError && error.code === "PASSWORD_CHANGE_REQUIRED") throw redirect("/password");
      throw error;
    }
  }

  /**
   * gql for loaders: an API refusal becomes a thrown JSON response (the route's error boundary shows
   * its message and code with a fitting status; never a stack).
   */
  async query<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables: TVariables): Promise<TResult> {
    try {
      return await this.gql(document, variables);
    } catch (error) {
      if (error instanceof ApiError) throw Response.json(error.toJSON(), { status: httpStatusOf(error.code) });
      throw error;
    }
  }

  /** One result per request for `key`: parallel loaders that need the same data share one call. */
  memo<T>(key: string, load: () => Promise<T>): Promise<T> {
    let value = this.memos.get(key) as Promise<T> | undefined;
    if (!value) {
      value = load();
      this.memos.set(key, value);
    }
    return value;
  }

  /** Runs a document without credentials (sign-in, bootstrap). */
  anonymous<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables: TVariables): Promise<TResult> {
    return execute(this.api, document, variables, null);
  }

  /** The Set-Cookie value when the session changed during this request. */
  async setCookieHeader(): Promise<string | null> {
    if (!this.dirty) return null;
    return this.storage.commitSession(await this.session());
  }
}

const STATUS_BY_CODE: Record<string, number> = {
  BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409,
  RATE_LIMITED: 429, API_UNAVAILABLE: 503,
};
export const httpStatusOf = (code: string) => STATUS_BY_CODE[code] ?? 502;

function signInUrl(request: Request): string {
  const url = new URL(request.url);
  const back = url.pathname.replace(/\.data$/, "") + url.search.replace(/([?&])_routes=[^&]*/, "$1");
  return back === "/" || back.startsWith("/login") ? "/login" : `/login?next=${encodeURIComponent(back)}`;
}
