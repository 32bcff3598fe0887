// The workers project's entry (test/workers/wrangler.toml): both production Workers in one test
// Worker, so the suite keeps sending /graphql and OFREP alike to SELF with real D1, KV and Durable
// Objects. Requests go to the admin Worker's handler for its paths and to the evaluation Worker's
// for everything else; the admin Worker's cron handler and exports (EnvironmentDO, StreamAccess,
// the latter bound back to this Worker as ADMIN) are re-exported unchanged. The deployed entries
// are exercised as they are by the e2e tests (`npm run dev` runs both Workers) and the bundle checks.
import admin from "../../../workers/admin/index";
import evaluation from "../../../workers/evaluation/index";
import { GRAPHQL_PATH } from "../../../workers/admin/graphql/yoga";
import type { Env } from "../../../workers/env";

export { EnvironmentDO, LocationRelay, StreamAccess, SubscriberRelay } from "../../../workers/admin/index";
export { FlagsEntrypoint } from "../../../workers/evaluation/index";

export default {
  fetch(request, env, ctx) {
    const worker = new URL(request.url).pathname === GRAPHQL_PATH ? admin : evaluation;
    return worker.fetch(request, env, ctx);
  },
  scheduled: admin.scheduled,
} satisfies ExportedHandler<Env>;
