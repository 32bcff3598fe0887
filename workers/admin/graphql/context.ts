// The per-request GraphQL context: the services' deps, the caller (resolved lazily from the
// Bearer access token, at most once per request) and the request's DataLoaders.
import DataLoader from "dataloader";
import type { Env } from "../../env";
import { loadPrincipal, requirePrincipal, type AuthenticationOptions, type Principal } from "../identity/authz";
import { isAutomationToken, loadAutomationPrincipal } from "../identity/automation-tokens";
import type { ControlDeps } from "../core/deps";
import { unauthenticated } from "../core/errors";
import { bearerToken, verifyAccessToken } from "../identity/tokens";
import type { LoaderDefinition } from "./loaders";

/** What the Worker hands to yoga with each request. */
export interface ControlServerContext {
  env: Env;
  /** The request's execution context: background work (notification delivery) outlives the response. */
  executionCtx?: Pick<ExecutionContext, "waitUntil">;
}

export interface ControlContext {
  deps: ControlDeps;
  request: Request;
  /**
   * The authenticated caller. UNAUTHENTICATED without a valid token or live session;
   * PASSWORD_CHANGE_REQUIRED while a temporary password is pending, unless allowed by `options`.
   */
  principal(options?: AuthenticationOptions): Promise<Principal>;
  /** The caller if a valid token was sent, else null (for operations open to anonymous callers). */
  optionalPrincipal(): Promise<Principal | null>;
  /** The request's instance of a loader defined with `defineLoader`. */
  loader<K, V>(definition: LoaderDefinition<K, V>): DataLoader<K, V>;
}

type Authentication = { principal: Principal | null; tokenSent: boolean };

export function createControlContext(deps: ControlDeps, request: Request): ControlContext {
  let authentication: Promise<Authentication> | undefined;
  const authenticate = () => (authentication ??= resolveCaller(deps, request));
  const loaders = new Map<LoaderDefinition<unknown, unknown>, DataLoader<unknown, unknown>>();
  return {
    deps,
    request,
    async principal(options) {
      const { principal, tokenSent } = await authenticate();
      if (!principal && tokenSent) throw unauthenticated("Invalid or expired access token");
      return requirePrincipal(principal, options);
    },
    async optionalPrincipal() {
      return (await authenticate()).principal;
    },
    loader<K, V>(definition: LoaderDefinition<K, V>): DataLoader<K, V> {
      let loader = loaders.get(definition as LoaderDefinition<unknown, unknown>);
      if (!loader) {
        loader = new DataLoader<unknown, unknown>((keys) => definition.batch(deps, keys as readonly K[]), { maxBatchSize: 1000 });
        loaders.set(definition as LoaderDefinition<unknown, unknown>, loader);
      }
      return loader as DataLoader<K, V>;
    },
  };
}

async function resolveCaller(deps: ControlDeps, request: Request): Promise<Authentication> {
  const token = bearerToken(request.headers.get("authorization"));
  if (!token) return { principal: null, tokenSent: false };
  if (isAutomationToken(token)) return { principal: await loadAutomationPrincipal(deps, token), tokenSent: true };
  const claims = await verifyAccessToken(deps, token);
  const principal = claims ? await loadPrincipal(deps, claims.userId, claims.sessionId) : null;
  return { principal, tokenSent: true };
}
