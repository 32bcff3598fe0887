// Who may configure features: team admins and requesters change features, variants, prerequisites,
// rules and segments; approvers and viewers only read (see docs/ROLES.md).
import type { TeamRole } from "../../../db/schema";

export const CONFIGURE_FEATURES: readonly TeamRole[] = ["team_admin", "requester"];
