// The signed-in shell: navigation, team switcher, theme toggle, account menu (sign out), command palette.
import { redirect, type LoaderFunctionArgs } from "@remix-run/cloudflare";
import { Form, NavLink, Outlet, useLoaderData, useLocation, useNavigation, useRouteLoaderData, useSubmit } from "@remix-run/react";
import { lazy, Suspense, useEffect, useState } from "react";
import { AccountMenu } from "~/components/AccountMenu";
import { loadShell } from "~/lib/team.server";
import { nextTheme, type Theme } from "~/lib/theme";
import type { loader as rootLoader } from "~/root";

const CommandPalette = lazy(() => import("~/components/CommandPalette"));

export async function loader({ context }: LoaderFunctionArgs) {
  const { me, teams, current } = await loadShell(context);
  if (me.mustChangePassword) throw redirect("/password");
  return { me, teams, current };
}

export function useShell() {
  return useRouteLoaderData<typeof loader>("routes/_app")!;
}

const THEME_LABEL: Record<Theme, string> = { system: "◐ System", dark: "☾ Dark", light: "☀ Light" };

export default function AppShell() {
  const { me, teams, current } = useLoaderData<typeof loader>();
  const theme = (useRouteLoaderData<typeof rootLoader>("root")?.theme ?? "system") as Theme;
  const location = useLocation();
  const submit = useSubmit();
  const [paletteOpen, setPaletteOpen] = useState(false);
  const here = location.pathname + location.search;
  const navigation = useNavigation();

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k") {
        event.preventDefault();
        setPaletteOpen(true);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="topbar">
        <a className="brand" href="/flags"><img src="/favicon.svg" alt="" width="22" height="22" /> FluxGate</a>
        <nav className="nav" aria-label="Main">
          <NavLink to="/flags">Flags</NavLink>
          <NavLink to="/dashboards">Dashboards</NavLink>
          <NavLink to="/approvals">Approvals</NavLink>
          <NavLink to="/kill-switches">Kill switches</NavLink>
          <NavLink to="/audit">Audit log</NavLink>
          <NavLink to="/settings">Settings</NavLink>
        </nav>
        <span className="spacer" />
        {teams.length > 0 && (
          <Form method="post" action="/team" className="row" onChange={(e) => submit(e.currentTarget)}>
            <input type="hidden" name="next" value={here} />
            <label htmlFor="team-switcher" className="sr-only">Team</label>
            <select id="team-switcher" name="teamId" defaultValue={current?.id} key={current?.id}>
              {teams.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
            </select>
            <noscript><button type="submit">Switch</button></noscript>
          </Form>
        )}
        <button type="button" onClick={() => setPaletteOpen(true)} aria-keyshortcuts="Control+K Meta+K" title="Command palette (Ctrl+K)">
          Search <kbd className="small muted" aria-hidden="true">Ctrl K</kbd>
        </button>
        <Form method="post" action="/theme">
          <input type="hidden" name="next" value={here} />
          <input type="hidden" name="theme" value={nextTheme(theme)} />
          <button type="submit" aria-label={`Theme: ${theme}; switch to ${nextTheme(theme)}`} title="Colour theme">{THEME_LABEL[theme]}</button>
        </Form>
        <AccountMenu name={me.displayName || me.username} email={me.email}
          role={current?.myRole ? current.myRole.replace("_", " ") : me.isSystemAdmin ? "system admin" : null} />
      </header>
      <PendingBar state={navigation.state} />
      <main id="main" className="main" aria-busy={navigation.state === "loading" || undefined}>
        <Outlet />
      </main>
      {paletteOpen && (
        <Suspense fallback={null}>
          <CommandPalette onClose={() => setPaletteOpen(false)} />
        </Suspense>
      )}
    </div>
  );
}

/** A thin bar under the top bar while a page loads or a form submits; announced once, politely. */
function PendingBar({ state }: { state: "idle" | "loading" | "submitting" }) {
  return (
    <div className="pending-bar" data-state={state} role="status" aria-live="polite">
      {state !== "idle" && <span className="sr-only">{state === "submitting" ? "Saving…" : "Loading…"}</span>}
    </div>
  );
}
