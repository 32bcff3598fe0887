// Re-reads the page's data when the API reports a change on a live topic (GraphQL subscription over
// SSE, proxied by the console's own /live route with the session's credentials).
import { useEffect, useRef, useState } from "react";
import type { LiveState } from "./use-live-data";
import { useRefresh } from "./use-refresh";

export type LiveTopic = "approvals" | "kill-switches" | "features";

export function useLive(topic: LiveTopic, params: Record<string, string> = {}, onEvent?: (data: unknown) => void) {
  useLiveFeed(`/live?${new URLSearchParams({ topic, ...params })}`, onEvent);
}

/** Any change in the current team (approvals, kill switches, any environment's flags): one connection (routes/live-team.tsx). */
export function useLiveTeam(onEvent?: (data: unknown) => void): LiveState {
  return useLiveFeed("/live-team", onEvent);
}

function useLiveFeed(url: string, onEvent?: (data: unknown) => void): LiveState {
  const refresh = useRefresh();
  const [state, setState] = useState<LiveState>("connecting");
  const latest = useRef({ refresh, onEvent });
  latest.current = { refresh, onEvent };
  useEffect(() => {
    const source = new EventSource(url);
    source.onopen = () => setState("connected");
    // EventSource retries by itself; CLOSED means it gave up (e.g. signed out).
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? "off" : "reconnecting");
    let timer: ReturnType<typeof setTimeout> | undefined;
    source.addEventListener("next", (event) => {
      latest.current.onEvent?.(JSON.parse((event as MessageEvent<string>).data));
      // Several changes in a burst cost one reload (useRefresh waits for forms and page loads).
      clearTimeout(timer);
      timer = setTimeout(() => latest.current.refresh(), 150);
    });
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, [url]);
  return state;
}
