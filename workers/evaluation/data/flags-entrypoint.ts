// The evaluation Worker's RPC entrypoint: an app's Worker binds it with
//   [[services]] binding = "FLAGS" service = "fluxgate" entrypoint = "FlagsEntrypoint"
// and evaluates with `env.FLAGS.evaluateFlag(secret, key, context)`, no HTTP hop. Authorised like
// every evaluation route: the app passes its client secret, which decides the environment
// (client-auth.ts, with the same throttle on unknown secrets); there is no Origin, so a server
// client is the natural choice. Answers are OFREP-shaped (protocol/flags-rpc.ts); a failure of the
// whole call is returned, not thrown, so its code survives the RPC boundary.
import { WorkerEntrypoint } from "cloudflare:workers";
import type { EvaluationContext } from "../../../engine/types";
import type { FlagsRpc, RpcBulkResult, RpcFailure, RpcFlagResult } from "../../../protocol/flags-rpc";
import type { Env } from "../../env";
import { authenticateClient } from "./client-auth";
import { ApiError, toApiError, unauthorized } from "./errors";
import { evaluateOfrepFlag, evaluateOfrepFlags } from "./ofrep-evaluation";
import { parseOfrepRequest } from "./request-body";

export class FlagsEntrypoint extends WorkerEntrypoint<Env> implements FlagsRpc {
  async evaluateFlag(credential: string, flagKey: string, context: EvaluationContext = {}): Promise<RpcFlagResult | RpcFailure> {
    try {
      if (typeof flagKey !== "string" || flagKey === "") throw new ApiError(400, "INVALID_REQUEST", "flagKey must be a non-empty string");
      const client = await this.client(credential);
      const { body } = await evaluateOfrepFlag(this.env, this.ctx, client, flagKey, await parseOfrepRequest({ context }), "rpc");
      return body as RpcFlagResult;
    } catch (error) {
      return failure(error);
    }
  }

  async evaluateFlags(credential: string, context: EvaluationContext = {}): Promise<RpcBulkResult | RpcFailure> {
    try {
      const client = await this.client(credential);
      const { flags, metadata } = await evaluateOfrepFlags(this.env, this.ctx, client, await parseOfrepRequest({ context }), "rpc-bulk");
      return { flags: flags as RpcFlagResult[], metadata };
    } catch (error) {
      return failure(error);
    }
  }

  private client(credential: string) {
    const headers = new Headers();
    try {
      if (typeof credential === "string" && credential !== "") headers.set("X-API-Key", credential);
    } catch {
      throw unauthorized("unknown client credential"); // not even a valid header value
    }
    return authenticateClient(this.env.FLAGS_KV, headers);
  }
}

function failure(error: unknown): RpcFailure {
  const apiError = toApiError(error);
  return { errorCode: apiError.code, errorDetails: apiError.message, status: apiError.status };
}
