// Remote evaluation over OFREP: every evaluation is an HTTP call to the Worker (for apps that
// cannot hold a snapshot, or must not see other users' targeting rules).
import type { EvaluationContext, JsonValue, Metadata } from "../../engine/types";
import { FluxGateError } from "./errors";
import { httpFailure } from "./refusal";

export interface RemoteClientOptions {
  /** The FluxGate Worker, e.g. `https://flags.example.com`. */
  baseUrl: string;
  /** The client secret, sent as `Authorization: Bearer <secret>`. */
  credential: string;
  fetch?: typeof fetch;
  /** Per-request timeout. Default 5,000 ms. */
  timeoutMs?: number;
}

/** One OFREP evaluation: a success (value, variant, reason) or an error (errorCode, errorDetails). */
export interface RemoteEvaluation {
  key: string;
  value?: JsonValue;
  variant?: string;
  reason?: string;
  errorCode?: string;
  errorDetails?: string;
  metadata: Metadata;
}

export type BulkAnswer =
  | { changed: true; etag: string | undefined; flags: RemoteEvaluation[] }
  | { changed: false; etag: string | undefined };

export class FluxGateRemoteClient {
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: RemoteClientOptions) {
    if (!options.baseUrl || !options.credential) throw new FluxGateError("CONFIGURATION", "baseUrl and credential are required");
    this.base = options.baseUrl.replace(/\/+$/, "");
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /**
   * POST /ofrep/v1/evaluate/flags/{key}. Flag-level errors (404 FLAG_NOT_FOUND, 400 with an
   * errorCode) come back as a RemoteEvaluation with errorCode; refused credentials, other HTTP
   * failures and network failures throw FluxGateError.
   */
  async evaluate(key: string, context: EvaluationContext = {}): Promise<RemoteEvaluation> {
    const response = await this.post(`/ofrep/v1/evaluate/flags/${encodeURIComponent(key)}`, context);
    if (response.status === 200 || ((response.status === 400 || response.status === 404) && isJson(response))) {
      const body = (await response.json()) as Partial<RemoteEvaluation>;
      if (response.status === 200 || typeof body.errorCode === "string") return normaliseEvaluation(key, body);
    }
    throw await httpFailure(response);
  }

  /**
   * POST /ofrep/v1/evaluate/flags (all flags for one context). With the ETag of a previous
   * answer, a 304 yields `{ changed: false }`.
   */
  async evaluateAll(context: EvaluationContext = {}, etag?: string): Promise<BulkAnswer> {
    const response = await this.post("/ofrep/v1/evaluate/flags", context, etag ? { "If-None-Match": etag } : {});
    const nextEtag = response.headers.get("ETag") ?? undefined;
    if (response.status === 304) return { changed: false, etag: nextEtag ?? etag };
    if (response.status !== 200) throw await httpFailure(response);
    return { changed: true, etag: nextEtag, flags: bulkEvaluations((await response.json()) as OfrepBulkBody) };
  }

  private async post(path: string, context: EvaluationContext, headers: Record<string, string> = {}): Promise<Response> {
    try {
      return await this.fetchImpl(this.base + path, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${this.options.credential}`, ...headers },
        body: JSON.stringify({ context }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
    } catch (error) {
      throw new FluxGateError("NETWORK_ERROR", `OFREP request failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

const isJson = (response: Response) => (response.headers.get("Content-Type") ?? "").includes("json");

export interface OfrepBulkBody {
  flags?: Partial<RemoteEvaluation>[];
  metadata?: Metadata;
}

/**
 * A bulk answer's flags. The server keeps per-flag metadata content-derived (so OFREP providers
 * see unchanged flags as unchanged) and states the set's version once; every evaluation gets it
 * back, so `flagMetadata.flagSetVersion` reads the same in every mode.
 */
export function bulkEvaluations(body: OfrepBulkBody): RemoteEvaluation[] {
  const version = body.metadata?.flagSetVersion;
  return (body.flags ?? []).map((flag) => {
    const evaluation = normaliseEvaluation(String(flag.key), flag);
    if (version !== undefined) evaluation.metadata = { ...evaluation.metadata, flagSetVersion: version };
    return evaluation;
  });
}

/** An OFREP flag body as a RemoteEvaluation (shared with the binding client). */
export function normaliseEvaluation(key: string, body: Partial<RemoteEvaluation>): RemoteEvaluation {
  return {
    key: body.key ?? key,
    ...(body.value !== undefined ? { value: body.value } : {}),
    ...(typeof body.variant === "string" ? { variant: body.variant } : {}),
    ...(typeof body.reason === "string" ? { reason: body.reason } : {}),
    ...(typeof body.errorCode === "string" ? { errorCode: body.errorCode, errorDetails: body.errorDetails ?? body.errorCode } : {}),
    metadata: body.metadata ?? {},
  };
}

