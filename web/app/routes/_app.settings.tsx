// The Settings area: a side nav of every section, grouped, each marked with what the signed-in
// user's role in the current team allows (docs/ROLES.md); the section itself renders beside it.
import type { MetaFunction } from "@remix-run/cloudflare";
import { Link, NavLink, Outlet, useLocation } from "@remix-run/react";
import { ACCESS_NOTE, accessTo, SETTINGS_GROUPS, type Actor, type TeamRole } from "~/lib/settings-sections";
import { useShell } from "./_app";

export const meta: MetaFunction = () => [{ title: "Settings · FluxGate" }];

/** The signed-in user as the settings screens judge them: system admin, and role in the current team. */
export function useActor(): Actor {
  const { me, current } = useShell();
  return { isSystemAdmin: me.isSystemAdmin, role: (current?.myRole ?? null) as TeamRole | null };
}

export default function SettingsLayout() {
  const actor = useActor();
  // On a phone the side nav would push a section below the fold: inside a section it gives way to
  // a link back to the overview, which lists every section.
  const inSection = useLocation().pathname.replace(/\/$/, "") !== "/settings";
  return (
    <div className={inSection ? "settings in-section" : "settings"}>
      <nav className="settings-nav" aria-label="Settings">
        <NavLink to="/settings" end className="settings-home">Settings</NavLink>
        {SETTINGS_GROUPS.map((group) => (
          <section key={group.label} aria-labelledby={`settings-group-${slug(group.label)}`}>
            <h2 id={`settings-group-${slug(group.label)}`} className="settings-group">{group.label}</h2>
            <ul>
              {group.sections.map((section) => {
                const access = accessTo(section, actor);
                return (
                  <li key={section.path} data-access={access}>
                    {access === "none"
                      ? <span className="settings-unavailable" aria-disabled="true">{section.label} <span className="small muted">({ACCESS_NOTE.none})</span></span>
                      : <NavLink to={section.path}>{section.label}{access === "read" && <span className="sr-only"> (read only)</span>}</NavLink>}
                  </li>
                );
              })}
            </ul>
          </section>
        ))}
      </nav>
      <div className="settings-body">
        {inSection && <Link to="/settings" className="settings-back">← All settings</Link>}
        <Outlet />
      </div>
    </div>
  );
}

const slug = (label: string) => label.toLowerCase().replace(/[^a-z]+/g, "-");
