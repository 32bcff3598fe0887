import { redirect, type ActionFunctionArgs } from "@remix-run/cloudflare";
import { LogoutDoc } from "~/lib/docs/identity";

export const loader = () => redirect("/flags");

export async function action({ context }: ActionFunctionArgs) {
  // Ending the session at the API revokes the refresh token; the cookie goes either way.
  await context.auth.gql(LogoutDoc, {}).catch(() => undefined);
  await context.auth.signOut();
  throw redirect("/login");
}
