// The rollout templates: the original's five system templates (inventory §1, `rollout_templates`),
// each a kind of rollout plan, and the variables that parameterise them. A team's own template is
// one of these kinds with its own name and default variables (stored in rollout_templates).
//
//   simple_on_off              the variant for everyone, at once
//   canary                     a percentage ramp (default 10 -> 50 -> 100, one step per interval)
//   approval_gated_production  like simple_on_off, but production environments change only through
//                              an approval request, even where no policy covers them
//   experiment                 a weighted split across variants (default: equal shares)
//   kill_switch_guarded        a slower ramp (5 -> 25 -> 50 -> 100) with the stage's off variant set to
//                              a safe variant, so an emergencyDisableFeature serves a known value
// Every kind accepts `segmentKey` (beta users first: the segment gets the variant in full before the
// ramp or split) and `startAt` (a scheduled ramp: nothing is served before it).
import { z } from "zod";
import { ROLLOUT_TEMPLATE_TYPES, type RolloutTemplateType } from "../../../../db/schema";

export interface SystemTemplate {
  id: string;
  type: RolloutTemplateType;
  name: string;
  description: string;
  defaults: TemplateDefaults;
}

export const SYSTEM_TEMPLATE_PREFIX = "system:";

const percentage = z.number().gt(0, "must be more than 0").max(100, "must be at most 100")
  .refine((p) => Math.round(p * 1000) === p * 1000, "has at most three decimals");

const uniqueIds = (ids: readonly string[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  ids.forEach((id, index) => {
    if (seen.has(id)) ctx.addIssue({ code: "custom", path: [index], message: "is listed twice" });
    seen.add(id);
  });
};

const variableFields = {
  /** The feature's environments to roll out in, in order (earlier environments are changed first). */
  environmentIds: z.array(z.string().min(1)).min(1, "name at least one environment").max(20).superRefine(uniqueIds),
  /** The variant rolled out; default "on" for a boolean feature. */
  variant: z.string().min(1).max(100),
  /** kill_switch_guarded: the variant served while the kill switch is engaged; default "off" / the stage's default. */
  safeVariant: z.string().min(1).max(100),
  /** Ramp steps in percent, strictly increasing. */
  percentages: z.array(percentage).min(1, "name at least one step").max(10).superRefine((steps, ctx) => {
    steps.forEach((step, index) => {
      if (index > 0 && step <= steps[index - 1]!) ctx.addIssue({ code: "custom", path: [index], message: "must be more than the step before" });
    });
  }),
  /** Minutes between ramp steps. */
  intervalMinutes: z.number().int("must be an integer").min(1, "must be at least 1").max(7 * 24 * 60, "must be at most 10080 (7 days)"),
  /** experiment: the split, weights in thousandths of a percent (100000 = everyone). */
  weights: z.array(z.object({ variant: z.string().min(1).max(100), weight: z.number().int("must be an integer").min(0).max(100_000) }).strict())
    .min(1).max(50),
  /** Beta users first: this segment gets the variant in full. */
  segmentKey: z.string().min(1).max(100),
  /** Deploy stages that are not live yet (where the caller may deploy directly). Default true. */
  deploy: z.boolean(),
};

/** What a team template may preset (no start time: it is absolute). */
export const defaultsSchema = z.object(variableFields).partial().strict();
export type TemplateDefaults = z.output<typeof defaultsSchema>;

/** The variables of a preview or apply (after the template's defaults are merged in). */
export const variablesSchema = z.object({
  ...variableFields,
  deploy: variableFields.deploy.default(true),
  /** A scheduled ramp: its first step at this time (not in the past); default now. */
  startAt: z.union([z.date(), z.iso.datetime({ message: "must be an ISO-8601 date-time" }).transform((s) => new Date(s))]),
}).partial({
  variant: true, safeVariant: true, percentages: true, intervalMinutes: true, weights: true, segmentKey: true, startAt: true,
}).strict();
export type TemplateVariables = z.output<typeof variablesSchema>;

export const SYSTEM_TEMPLATES: readonly SystemTemplate[] = [
  {
    type: "simple_on_off", name: "Simple on/off",
    description: "Serves the variant to everyone in each environment at once.",
    defaults: {},
  },
  {
    type: "canary", name: "Canary 10-50-100",
    description: "Ramps the variant 10% -> 50% -> 100%, one step per interval (scheduled changes).",
    defaults: { percentages: [10, 50, 100], intervalMinutes: 60 },
  },
  {
    type: "approval_gated_production", name: "Approval-gated production",
    description: "Serves the variant to everyone; in production environments only through an approval request, even without a policy.",
    defaults: {},
  },
  {
    type: "experiment", name: "Experiment rollout",
    description: "Splits everyone across the feature's variants (equal shares unless weights are given).",
    defaults: {},
  },
  {
    type: "kill_switch_guarded", name: "Kill-switch guarded rollout",
    description: "Sets the stage's off variant to a safe variant, then ramps 5% -> 25% -> 50% -> 100%, one step per interval.",
    defaults: { percentages: [5, 25, 50, 100], intervalMinutes: 60 },
  },
].map((template) => ({ ...template, id: `${SYSTEM_TEMPLATE_PREFIX}${template.type}` }) as SystemTemplate);

export const systemTemplate = (type: RolloutTemplateType) => SYSTEM_TEMPLATES.find((t) => t.type === type)!;

export const TEMPLATE_TYPES = ROLLOUT_TEMPLATE_TYPES;
