// The Settings overview: every section with a line on what it holds and what your role allows there.
import { Link } from "@remix-run/react";
import { ACCESS_NOTE, accessTo, SETTINGS_GROUPS } from "~/lib/settings-sections";
import { useActor } from "./_app.settings";

export default function SettingsOverview() {
  const actor = useActor();
  return (
    <div className="stack">
      <h1>Settings</h1>
      {SETTINGS_GROUPS.map((group) => (
        <section key={group.label} className="stack">
          <h2>{group.label}</h2>
          <ul className="settings-cards">
            {group.sections.map((section) => {
              const access = accessTo(section, actor);
              return (
                <li key={section.path} className="card" data-access={access}>
                  {access === "none" ? <strong className="muted">{section.label}</strong> : <Link to={section.path}><strong>{section.label}</strong></Link>}
                  <p className="small muted">{section.description}</p>
                  {access !== "full" && <span className="badge">{ACCESS_NOTE[access]}</span>}
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </div>
  );
}
