// AUTH_ENCRYPTION_KEY's published development value (.dev.vars.example, test/workers/wrangler.toml).
// Anyone can read it, so neither Worker signs anything with it (access tokens, OFREP event-stream
// tokens) or encrypts with it unless FLUXGATE_ENV is "development", which only .dev.vars sets.
export const PUBLIC_DEVELOPMENT_KEY = "bG9jYWwtb25seS1mbHV4Z2F0ZS1kZXYta2V5LTMyYiE=";

/** True when `key` is the published development key and the deployment is not local development. */
export const isPublishedKeyOutsideDevelopment = (key: string | undefined, environment: string | undefined) =>
  key === PUBLIC_DEVELOPMENT_KEY && environment !== "development";
