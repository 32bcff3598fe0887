// Local development only (scripts/dev.ts): gives the admin Worker a port of its own. `wrangler dev`
// with several configs serves only the first Worker over HTTP; the others are reachable through
// bindings. The evaluation Worker must share that process with the admin Worker (a Durable Object
// bound by script_name across two dev processes loses its name), so this second process forwards
// every request, and the cron trigger, to `fluxgate-admin` over a service binding (wrangler's dev
// registry), unchanged.
interface AdminPortEnv {
  /** workerd's Fetcher also dispatches scheduled events; @cloudflare/workers-types omits it. */
  ADMIN_WORKER: Fetcher & { scheduled(options: { cron?: string }): Promise<unknown> };
}

export default {
  fetch: (request, env) => env.ADMIN_WORKER.fetch(request),
  async scheduled(controller, env) {
    // The time is not passed: a Date does not survive the dev registry's hop; the job runs "now".
    await env.ADMIN_WORKER.scheduled({ cron: controller.cron });
  },
} satisfies ExportedHandler<AdminPortEnv>;
