// What an HTTP refusal from FluxGate means to the SDK. The server names a browser's refusal
// (ORIGIN_NOT_ALLOWED, SERVER_CLIENT_IN_BROWSER) in a body the refused page may read, so the SDK
// reports the server's own words; other 401/403s are CREDENTIAL_REJECTED. All of them are terminal.
import { FluxGateError } from "./errors";

const BROWSER_REFUSALS = new Set(["ORIGIN_NOT_ALLOWED", "SERVER_CLIENT_IN_BROWSER"] as const);

/** The error for a non-success answer (reads the body). */
export async function httpFailure(response: Response, what = "OFREP"): Promise<FluxGateError> {
  const text = await response.text().catch(() => "");
  const { code, details } = errorOf(text);
  if (code !== undefined && (BROWSER_REFUSALS as Set<string>).has(code) && details !== undefined) {
    return new FluxGateError(code as "ORIGIN_NOT_ALLOWED" | "SERVER_CLIENT_IN_BROWSER", details, response.status);
  }
  const refused = response.status === 401 || response.status === 403;
  const message = refused && details !== undefined
    ? `the server refused the credential (HTTP ${response.status}${code ? ` ${code}` : ""}): ${details}`
    : `${what} answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ""}`;
  return new FluxGateError(refused ? "CREDENTIAL_REJECTED" : "HTTP_ERROR", message, response.status);
}

/** The terminal error a 401/403 answer carries, else undefined (the body is consumed either way). */
export async function refusalOf(response: Response): Promise<FluxGateError | undefined> {
  if (response.status !== 401 && response.status !== 403) {
    await response.body?.cancel();
    return undefined;
  }
  return httpFailure(response);
}

/** OFREP `{errorCode, errorDetails}` or FluxGate `{error: {code, message}}`. */
function errorOf(text: string): { code?: string; details?: string } {
  try {
    const body = JSON.parse(text) as { errorCode?: unknown; errorDetails?: unknown; error?: { code?: unknown; message?: unknown } };
    const code = body.errorCode ?? body.error?.code;
    const details = body.errorDetails ?? body.error?.message;
    return { ...(typeof code === "string" ? { code } : {}), ...(typeof details === "string" ? { details } : {}) };
  } catch {
    return {};
  }
}
