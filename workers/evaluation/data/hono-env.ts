// The Hono environment of the evaluation Worker's routes.
import type { Env } from "../../env";

export interface DataPlane {
  Bindings: Env;
}
