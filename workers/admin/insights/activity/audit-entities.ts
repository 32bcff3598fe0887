// What an audit row is about, beyond its own entity: the environment and the feature it concerns,
// as SQL expressions over an `audit_log` row aliased `a` (audit_log has no such columns; the entity
// tells). Environment: the environment itself, or the environment of a stage, rule, client,
// approval request, scheduled change, freeze window or canary gate; a feature: the feature itself,
// or the feature of a stage, rule, variant, approval request, scheduled change or canary gate.
// Entities deleted since fall back to `environmentId` / `featureId` in the diff (after, else before).
// Team-wide changes (a feature's metadata, a pipeline, a member) have no environment (NULL).
import { sql, type SQL } from "drizzle-orm";

export const AUDIT_ENVIRONMENT = sql.raw(`COALESCE(CASE a.entity_type
    WHEN 'environment' THEN a.entity_id
    WHEN 'feature_stage' THEN (SELECT environment_id FROM feature_stages WHERE id = a.entity_id)
    WHEN 'rule' THEN (SELECT s.environment_id FROM rules r JOIN feature_stages s ON s.id = r.stage_id WHERE r.id = a.entity_id)
    WHEN 'client' THEN (SELECT environment_id FROM clients WHERE id = a.entity_id)
    WHEN 'approval_request' THEN (SELECT environment_id FROM approval_requests WHERE id = a.entity_id)
    WHEN 'scheduled_change' THEN (SELECT environment_id FROM scheduled_changes WHERE id = a.entity_id)
    WHEN 'freeze_window' THEN (SELECT environment_id FROM freeze_windows WHERE id = a.entity_id)
    WHEN 'canary_gate' THEN (SELECT environment_id FROM canary_gates WHERE id = a.entity_id)
  END, json_extract(a.diff, '$.after.environmentId'), json_extract(a.diff, '$.before.environmentId'))`);

export const AUDIT_FEATURE = sql.raw(`COALESCE(CASE a.entity_type
    WHEN 'feature' THEN a.entity_id
    WHEN 'feature_stage' THEN (SELECT feature_id FROM feature_stages WHERE id = a.entity_id)
    WHEN 'rule' THEN (SELECT s.feature_id FROM rules r JOIN feature_stages s ON s.id = r.stage_id WHERE r.id = a.entity_id)
    WHEN 'variant' THEN (SELECT feature_id FROM variants WHERE id = a.entity_id)
    WHEN 'approval_request' THEN (SELECT feature_id FROM approval_requests WHERE id = a.entity_id)
    WHEN 'scheduled_change' THEN (SELECT feature_id FROM scheduled_changes WHERE id = a.entity_id)
    WHEN 'canary_gate' THEN (SELECT feature_id FROM canary_gates WHERE id = a.entity_id)
  END, json_extract(a.diff, '$.after.featureId'), json_extract(a.diff, '$.before.featureId'))`);

/**
 * The team's audit rows matching `where` (over `a`), with `environment_id` and `feature_id` resolved
 * (and, given `environmentId`, only the rows concerning it), as a CTE named `scoped` for the
 * statement that follows.
 */
export function scopedAuditRows(teamId: string, where: SQL[], environmentId?: string | null): SQL {
  const conditions = [sql`a.team_id = ${teamId}`, ...where];
  return sql`WITH resolved AS (
    SELECT a.id, a.action, a.entity_type, a.entity_id, a.actor_id, a.actor_name, a.created_at,
           ${AUDIT_ENVIRONMENT} AS environment_id, ${AUDIT_FEATURE} AS feature_id
    FROM audit_log a WHERE ${sql.join(conditions, sql` AND `)}),
  scoped AS (SELECT * FROM resolved ${environmentId ? sql`WHERE environment_id = ${environmentId}` : sql``})`;
}
