// A channel's secrets as one AES-GCM ciphertext under AUTH_ENCRYPTION_KEY, with the same helper
// that protects the signing keys' private JWKs. Decrypted only to send.
import { decrypt, encrypt } from "../identity/signing-keys";
import type { ControlDeps } from "../core/deps";
import type { ChannelSecrets } from "./channel-config";

export const sealSecrets = (deps: ControlDeps, secrets: ChannelSecrets): Promise<string> => encrypt(deps, JSON.stringify(secrets));

export async function openSecrets(deps: ControlDeps, sealed: string): Promise<ChannelSecrets> {
  return JSON.parse(await decrypt(deps, sealed)) as ChannelSecrets;
}
