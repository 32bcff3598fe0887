// Creates the first system admin of a deployment from the command line, with its setup secret:
//   FLUXGATE_SETUP_SECRET=... FLUXGATE_ADMIN_PASSWORD=... \
//     npm run bootstrap-admin -- --url https://fluxgate.example.workers.dev --username admin --email admin@example.com
// The secret and password come from the environment, so they stay out of the shell history and
// the process list. Same mutation (and the same refusals) as any other client: bootstrapAdmin.
import { parseArgs } from "node:util";

const BOOTSTRAP = /* GraphQL */ `
  mutation Bootstrap($input: BootstrapAdminInput!) { bootstrapAdmin(input: $input) { id username email } }`;

interface Answer {
  data?: { bootstrapAdmin?: { id: string; username: string; email: string } } | null;
  errors?: { message: string; extensions?: { code?: string; reason?: string } }[];
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { url: { type: "string" }, username: { type: "string" }, email: { type: "string" }, "display-name": { type: "string" } },
  });
  const password = process.env.FLUXGATE_ADMIN_PASSWORD;
  const setupSecret = process.env.FLUXGATE_SETUP_SECRET;
  if (!values.url || !values.username || !values.email || !password) {
    console.error("usage: FLUXGATE_SETUP_SECRET=... FLUXGATE_ADMIN_PASSWORD=... npm run bootstrap-admin -- --url <Worker URL> --username <name> --email <address> [--display-name <name>]");
    return 2;
  }
  const endpoint = new URL("/graphql", values.url);
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({
      query: BOOTSTRAP,
      variables: { input: { username: values.username, email: values.email, displayName: values["display-name"], password, setupSecret } },
    }),
  });
  const answer = (await response.json()) as Answer;
  const admin = answer.data?.bootstrapAdmin;
  if (!admin) {
    for (const error of answer.errors ?? []) {
      console.error(`${error.extensions?.code ?? "ERROR"}${error.extensions?.reason ? ` (${error.extensions.reason})` : ""}: ${error.message}`);
    }
    return 1;
  }
  console.log(`Created system admin ${admin.username} <${admin.email}> (${admin.id}) on ${endpoint.origin}; log in with its password.`);
  return 0;
}

process.exitCode = await main();
