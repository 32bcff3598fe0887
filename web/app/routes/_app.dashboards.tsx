// The dashboards area: a tab bar over its five dashboards. It draws no chart itself (charts load with
// the dashboard route that draws them).
import type { MetaFunction } from "@remix-run/cloudflare";
import { NavLink, Outlet } from "@remix-run/react";

export const meta: MetaFunction = () => [{ title: "Dashboards · FluxGate" }];

/** Tab order and URLs; each tab's route lives in its own file (_app.dashboards.<tab>.tsx). */
export const DASHBOARD_TABS = [
  { to: "/dashboards", label: "Overview", end: true },
  { to: "/dashboards/evaluations", label: "Evaluations", end: false },
  { to: "/dashboards/rollout", label: "Rollout", end: false },
  { to: "/dashboards/experiments", label: "Experiments", end: false },
  { to: "/dashboards/dependencies", label: "Dependencies", end: false },
] as const;

export default function Dashboards() {
  return (
    <div className="stack">
      <nav className="dash-tabs" aria-label="Dashboards">
        {DASHBOARD_TABS.map((tab) => (
          <NavLink key={tab.to} to={tab.to} end={tab.end} prefetch="intent">{tab.label}</NavLink>
        ))}
      </nav>
      <Outlet />
    </div>
  );
}
