// The current URL (path + search) as a form action: a Form without an explicit action posts to the
// route's path and drops the search, which would lose the page's state (e.g. the chosen environment).
import { useLocation } from "@remix-run/react";

export function useHere(): string {
  const location = useLocation();
  return location.pathname + location.search;
}
