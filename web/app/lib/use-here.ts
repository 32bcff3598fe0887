// The current URL (path + search) as a form action: a Form without an explicit action posts to the
// route's path and drops the search, which would lose the page's state (e.g. the chosen environment).
// On an index route (e.g. /flags) the action also says `index`, else the parent layout route would
// receive the post.
import { useFormAction, useLocation } from "@remix-run/react";

export function useHere(): string {
  const location = useLocation();
  const index = new URLSearchParams(useFormAction().split("?")[1] ?? "").has("index");
  if (!index) return location.pathname + location.search;
  return `${location.pathname}?index${location.search ? `&${location.search.slice(1)}` : ""}`;
}
