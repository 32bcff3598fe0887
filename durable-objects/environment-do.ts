import { DurableObject } from "cloudflare:workers";
import type { Env } from "../workers/env";

export class EnvironmentDO extends DurableObject<Env> {
  async ping(): Promise<string> { return "pong"; }
}
