import { redirect, type ActionFunctionArgs } from "@remix-run/cloudflare";
import { safeNext, text } from "~/lib/form";
import { THEME_COOKIE, THEMES, type Theme } from "~/lib/theme";

export const loader = () => redirect("/flags");

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const theme = text(form, "theme") as Theme;
  const chosen = THEMES.includes(theme) ? theme : "system";
  throw redirect(safeNext(text(form, "next")), {
    headers: { "set-cookie": `${THEME_COOKIE}=${chosen}; Path=/; Max-Age=31536000; SameSite=Lax; Secure` },
  });
}
