// The one-time setup secret of a fresh deployment. Outside development, the first system admin can
// only be created by whoever knows FLUXGATE_SETUP_SECRET (set with `wrangler secret put`), so the
// first visitor of a new URL does not become its administrator. Compared as SHA-256 digests in
// constant time (no length or prefix leaks). In development (`npm run dev`) no secret is needed.
import { digestsEqual, sha256Hex } from "../../../protocol/secret-hash";
import type { ControlDeps } from "../core/deps";
import { ControlError } from "../core/errors";

/** A secret shorter than this protects nothing; `openssl rand -base64 32` gives 44 characters. */
export const MIN_SETUP_SECRET_LENGTH = 24;

const refused = (reason: string, message: string) => new ControlError("FORBIDDEN", message, { reason });

/** FORBIDDEN with reason SETUP_SECRET_NOT_CONFIGURED, SETUP_SECRET_REQUIRED or SETUP_SECRET_INVALID. */
export async function assertSetupSecret(deps: ControlDeps, presented: string | null | undefined): Promise<void> {
  if (deps.config.environment === "development") return;
  const configured = deps.config.setupSecret;
  if (configured.length < MIN_SETUP_SECRET_LENGTH) {
    throw refused("SETUP_SECRET_NOT_CONFIGURED", `This deployment has no setup secret of at least ${MIN_SETUP_SECRET_LENGTH} characters: `
      + "run `openssl rand -base64 32 | npx wrangler secret put FLUXGATE_SETUP_SECRET --env production`, then bootstrap with it");
  }
  if (!presented) {
    throw refused("SETUP_SECRET_REQUIRED", "Outside development the first admin needs input.setupSecret (the deployment's FLUXGATE_SETUP_SECRET)");
  }
  if (!digestsEqual(await sha256Hex(presented), await sha256Hex(configured))) {
    throw refused("SETUP_SECRET_INVALID", "input.setupSecret is not this deployment's FLUXGATE_SETUP_SECRET");
  }
}
