// Evaluation through a Cloudflare service binding to FluxGate's RPC entrypoint (an app running on
// Workers: no HTTP hop). Same answers and errors as FluxGateRemoteClient, so the OpenFeature server
// provider uses either.
import type { EvaluationContext } from "../../engine/types";
import { isRpcFailure, type FlagsRpc, type RpcFailure } from "../../protocol/flags-rpc";
import { FluxGateError } from "./errors";
import { bulkEvaluations, normaliseEvaluation, type BulkAnswer, type RemoteEvaluation } from "./remote-client";

export type { FlagsRpc as FluxGateBinding } from "../../protocol/flags-rpc";

export interface BindingClientOptions {
  /** The service binding, e.g. `env.FLAGS` (`[[services]] ... entrypoint = "FlagsEntrypoint"`). */
  binding: FlagsRpc;
  /** The app's FluxGate client secret (a server client), e.g. `env.FLUXGATE_SECRET`. */
  credential: string;
}

export class FluxGateBindingClient {
  constructor(private readonly options: BindingClientOptions) {
    if (!options.binding || !options.credential) throw new FluxGateError("CONFIGURATION", "binding and credential are required");
  }

  /** One flag; flag-level errors come back as a RemoteEvaluation with errorCode, call failures throw. */
  async evaluate(key: string, context: EvaluationContext = {}): Promise<RemoteEvaluation> {
    const answer = await this.call(() => this.options.binding.evaluateFlag(this.options.credential, key, context));
    if (isRpcFailure(answer)) throw rpcError(answer);
    return normaliseEvaluation(key, answer);
  }

  /** Every flag for one context (no ETag over RPC: always `changed`). */
  async evaluateAll(context: EvaluationContext = {}): Promise<BulkAnswer> {
    const answer = await this.call(() => this.options.binding.evaluateFlags(this.options.credential, context));
    if (isRpcFailure(answer)) throw rpcError(answer);
    return { changed: true, etag: undefined, flags: bulkEvaluations(answer) };
  }

  private async call<T>(invoke: () => Promise<T>): Promise<T> {
    try {
      return await invoke();
    } catch (error) {
      throw new FluxGateError("NETWORK_ERROR", `FluxGate binding call failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function rpcError(failure: RpcFailure): FluxGateError {
  const refused = failure.status === 401 || failure.status === 403;
  return new FluxGateError(refused ? "CREDENTIAL_REJECTED" : "HTTP_ERROR", `${failure.errorCode}: ${failure.errorDetails}`, failure.status);
}
