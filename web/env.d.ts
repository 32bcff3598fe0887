/// <reference types="@remix-run/cloudflare" />
/// <reference types="vite/client" />

/** Bindings of the console's Pages project (web/wrangler.toml). */
interface ConsoleEnv {
  /** The admin Worker (fluxgate-admin): GraphQL at https://api/graphql. */
  API: Fetcher;
  /** Comma-separated; the first signs and encrypts new cookies, all are accepted (rotation). */
  SESSION_SECRETS: string;
}
