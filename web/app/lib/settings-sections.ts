// The Settings area's sections (one source for the side nav and the overview) and what an actor's
// role lets them do in each, mirroring docs/ROLES.md: "full" (may change things), "read" (may look),
// "none" (the API refuses even the reads: shown as such, not linked).
export type TeamRole = "team_admin" | "approver" | "requester" | "viewer";

/** Who may change a section's entities (system admins pass every team check). */
type Writers = "team_admin" | "team_admin_or_requester" | "system_admin";

export interface SettingsSection {
  path: string;
  label: string;
  description: string;
  /** true: even reading needs a team admin (automation tokens, notifications). */
  adminOnly?: boolean;
  writers: Writers;
}

export interface SettingsGroup {
  label: string;
  sections: SettingsSection[];
}

export const SETTINGS_GROUPS: SettingsGroup[] = [
  {
    label: "People & access",
    sections: [
      { path: "/settings/teams", label: "Teams", description: "Create, rename and delete teams.", writers: "team_admin" },
      { path: "/settings/users", label: "Users", description: "People, their temporary passwords, and who belongs to this team in which role.", writers: "team_admin" },
      { path: "/settings/roles", label: "Roles", description: "Custom roles: named groups of members that approval policies can make approvers.", writers: "team_admin" },
      { path: "/settings/tokens", label: "Automation tokens", description: "Credentials for scripts and CI, with scopes and an expiry.", adminOnly: true, writers: "team_admin" },
      { path: "/settings/account", label: "Your account", description: "Your password and where you are signed in.", writers: "team_admin" },
      { path: "/settings/notification-preferences", label: "Notification preferences", description: "Which notifications go out on which channel, and your mobile number for SMS.", writers: "team_admin" },
      { path: "/settings/security", label: "Security", description: "The key that signs sign-in tokens: rotate it.", writers: "system_admin" },
    ],
  },
  {
    label: "Configuration",
    sections: [
      { path: "/settings/environments", label: "Environments", description: "Where flags are served: type and protection.", writers: "team_admin" },
      { path: "/settings/pipelines", label: "Pipelines", description: "The ordered stages a flag is promoted through.", writers: "team_admin" },
      { path: "/settings/contexts", label: "Contexts", description: "The kinds of evaluation context and their attributes.", writers: "team_admin" },
      { path: "/settings/segments", label: "Segments", description: "Reusable audiences built with the condition builder.", writers: "team_admin_or_requester" },
      { path: "/settings/metrics", label: "Metrics", description: "What applications track for experiments and canary gates: key, type, unit.", writers: "team_admin" },
      { path: "/settings/import-export", label: "Import & export", description: "Move flags between teams or installations as a document.", writers: "team_admin_or_requester" },
    ],
  },
  {
    label: "Delivery & governance",
    sections: [
      { path: "/settings/clients", label: "Clients", description: "SDK and OFREP credentials: secrets, rotation, allowed origins.", writers: "team_admin" },
      { path: "/settings/approval-policies", label: "Approval policies", description: "Which changes need whose approval, per environment.", writers: "team_admin" },
      { path: "/settings/freeze-windows", label: "Freeze windows", description: "Times when changes are held back, with recurrence and timezone.", writers: "team_admin" },
      { path: "/settings/canary-gates", label: "Canary gates", description: "Per flag and environment: the metric a canary variant must not regress.", writers: "team_admin" },
      { path: "/settings/templates", label: "Rollout templates", description: "Reusable rollout plans: preview, then apply.", writers: "team_admin" },
      { path: "/settings/notifications", label: "Notifications", description: "Webhook, email and SMS channels and what they announce.", adminOnly: true, writers: "team_admin" },
    ],
  },
];

export type SectionAccess = "full" | "read" | "none";

export interface Actor {
  isSystemAdmin: boolean;
  /** The role in the current team (null: no membership). */
  role: TeamRole | null;
}

/** What the actor may do in a section of the current team. */
export function accessTo(section: SettingsSection, actor: Actor): SectionAccess {
  // Everyone keeps their own account, and their own mobile number (on the preferences page).
  if (section.path === "/settings/account" || section.path === "/settings/notification-preferences") return "full";
  if (actor.isSystemAdmin) return "full";
  const { role } = actor;
  if (section.writers === "system_admin") return role ? "read" : "none";
  if (role === "team_admin") return "full";
  if (role === "requester" && section.writers === "team_admin_or_requester") return "full";
  if (!role || section.adminOnly) return "none";
  return "read";
}

export const ACCESS_NOTE: Record<SectionAccess, string> = {
  full: "",
  read: "Read only for your role",
  none: "Team admins only",
};
