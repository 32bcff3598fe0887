// Keeps a page's data current from a live topic whose pushes carry the whole payload (the analytics
// subscriptions): each push replaces the data in place, no loader round trip. Reports the
// connection's state for a "live" indicator. The stream comes from the console's /live route
// (GraphQL subscription over SSE with the session's credentials).
import { useEffect, useRef, useState } from "react";

export type LiveState = "connecting" | "connected" | "reconnecting" | "off";

interface Pushed { data?: Record<string, unknown> | null; errors?: { message: string }[] }

/** Waits between reconnection attempts after the stream was refused (EventSource gives up then). */
const RETRY_MS = [2_000, 5_000, 10_000, 30_000];

/**
 * `url`: the /live URL to follow, or null for none (e.g. a window too long to be live). `field`: the
 * subscription's root field whose value is the payload. Returns the last payload (undefined until the
 * first), the connection state, and the last error message the API pushed.
 */
export function useLiveData<T>(url: string | null, field: string): { data: T | undefined; state: LiveState; error: string | null } {
  // The payload is kept with the URL it came from, so a page whose filters just changed never shows
  // the previous filters' data.
  const [pushed, setPushed] = useState<{ url: string; data: T } | undefined>(undefined);
  const [state, setState] = useState<LiveState>(url ? "connecting" : "off");
  const [error, setError] = useState<string | null>(null);
  const fieldRef = useRef(field);
  fieldRef.current = field;

  useEffect(() => {
    setError(null);
    if (!url) {
      setState("off");
      return;
    }
    setState("connecting");
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempts = 0;
    let stopped = false;
    const connect = () => {
      source = new EventSource(url);
      source.onopen = () => {
        attempts = 0;
        setState("connected");
      };
      source.addEventListener("next", (event) => {
        const pushed = JSON.parse((event as MessageEvent<string>).data) as Pushed;
        const value = pushed.data?.[fieldRef.current];
        if (value !== undefined && value !== null) {
          setPushed({ url, data: value as T });
          setError(null);
        } else if (pushed.errors?.[0]) {
          setError(pushed.errors[0].message);
        }
      });
      source.onerror = () => {
        if (stopped) return;
        setState("reconnecting");
        // CONNECTING: the browser retries by itself. CLOSED: it was refused; try again, spaced.
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          retry = setTimeout(connect, RETRY_MS[Math.min(attempts++, RETRY_MS.length - 1)]);
        }
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, [url]);

  return { data: pushed && pushed.url === url ? pushed.data : undefined, state, error };
}
