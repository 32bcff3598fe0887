// Browsers ask for /favicon.ico whatever the page links; point them at the SVG.
import { redirect } from "@remix-run/cloudflare";

export const loader = () => redirect("/favicon.svg", 301);
