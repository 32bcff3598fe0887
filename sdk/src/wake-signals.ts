// "The network may be back" hints. A client waiting out its reconnect backoff tries at once when
// the browser reports it is online again or the page becomes visible (a laptop waking, a tab
// brought to front): the server is often reachable long before the next scheduled attempt.

export interface WakeSignals {
  /** Calls `wake` on every hint; returns the unsubscribe function. */
  subscribe(wake: () => void): () => void;
}

interface BrowserGlobals {
  addEventListener?: (type: string, listener: () => void) => void;
  removeEventListener?: (type: string, listener: () => void) => void;
  document?: {
    visibilityState?: string;
    addEventListener(type: string, listener: () => void): void;
    removeEventListener(type: string, listener: () => void): void;
  };
}

/** The window's `online` and the document's `visibilitychange` to visible; undefined outside browsers. */
export function browserWakeSignals(globals: BrowserGlobals = globalThis as BrowserGlobals): WakeSignals | undefined {
  const { document } = globals;
  if (typeof globals.addEventListener !== "function" || document === undefined) return undefined;
  return {
    subscribe(wake) {
      const onVisibility = () => {
        if (document.visibilityState === "visible") wake();
      };
      globals.addEventListener!("online", wake);
      document.addEventListener("visibilitychange", onVisibility);
      return () => {
        globals.removeEventListener?.("online", wake);
        document.removeEventListener("visibilitychange", onVisibility);
      };
    },
  };
}
