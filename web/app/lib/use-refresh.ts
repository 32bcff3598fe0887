// Re-reading the page's data (a live change, a poll) without losing what a form's action answered.
// React Router 6 (@remix-run/router 1.23, under Remix 2) drops an action's redirect in two races,
// both seen in the console's browser tests under load:
//  - a revalidation started while a fetcher's action runs wins over the action's redirect (the
//    later navigation takes precedence, by design);
//  - a fetcher's redirect that arrives while a revalidation is still loading does not abort it
//    (startRedirectNavigation clears the pending controller before starting its own navigation):
//    the revalidation commits the old URL with the redirect's history action, and the redirect then
//    renders the new page without touching history, so the address bar keeps the old URL (deleting
//    a flag showed the list under /flags/<deleted id>).
// So a refresh never starts while a form submits or a page loads, and a submission made while a
// refresh is loading is held until that re-read is done (one loader round trip; at most HOLD_MAX_MS).
import { useFetchers, useNavigation, useRevalidator } from "@remix-run/react";
import { useCallback, useEffect, useRef } from "react";

const RETRY_MS = 300;
/** A held submission goes anyway after this long, whatever became of the refresh. */
export const HOLD_MAX_MS = 5_000;

/** Whether a refresh started here is still loading; `generation` counts refreshes started. */
let loading = false;
let generation = 0;
let holdTimer: ReturnType<typeof setTimeout> | undefined;
const held: { form: HTMLFormElement; submitter: HTMLElement | null }[] = [];

function release() {
  loading = false;
  clearTimeout(holdTimer);
  for (const { form, submitter } of held.splice(0)) {
    if (!form.isConnected) continue;
    try {
      form.requestSubmit(submitter);
    } catch {
      // The submitter left the form (or stopped being a submit button) meanwhile.
      form.requestSubmit();
    }
  }
}

// On window, capturing: before React's listeners (on the document Remix hydrates) see the event.
if (typeof window !== "undefined") {
  window.addEventListener("submit", (event) => {
    // Only posts: a GET form is a navigation, which aborts the re-read itself.
    if (!loading || !(event.target instanceof HTMLFormElement) || event.target.method !== "post") return;
    event.preventDefault();
    event.stopImmediatePropagation();
    held.push({ form: event.target, submitter: event.submitter });
  }, true);
}

/**
 * A function that re-reads the page's loaders once nothing else is in flight: while a form submits
 * or a page loads it retries every 300 ms. Calls in a burst cost one re-read each time it is free.
 */
export function useRefresh(): () => void {
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  const fetchers = useFetchers();
  const busy = navigation.state !== "idle" || fetchers.some((f) => f.state !== "idle");
  const latest = useRef({ revalidator, busy });
  latest.current = { revalidator, busy };
  // `busy` is read at the last render: a submission makes it true at once, so a refresh cannot
  // start between the submit and the render that shows the fetcher submitting.
  useEffect(() => {
    const submitted = () => { latest.current.busy = true; };
    document.addEventListener("submit", submitted, true);
    return () => document.removeEventListener("submit", submitted, true);
  }, []);
  // The re-read is done once a render taken after it started shows the router idle again.
  const seen = generation;
  useEffect(() => {
    if (revalidator.state === "idle" && loading && seen === generation) release();
  }, [revalidator.state, seen]);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(() => {
    clearTimeout(timer.current);
    const attempt = () => {
      const { busy, revalidator } = latest.current;
      if (busy || loading || revalidator.state !== "idle") {
        timer.current = setTimeout(attempt, RETRY_MS);
        return;
      }
      loading = true;
      generation += 1;
      holdTimer = setTimeout(release, HOLD_MAX_MS);
      revalidator.revalidate();
    };
    attempt();
  }, []);
}
