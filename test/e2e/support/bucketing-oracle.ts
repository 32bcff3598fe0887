// An independent oracle for the demo's bucketed flags: flagd's `fractional` operator as implemented
// by @openfeature/flagd-core. With salt = flag key and total weight 100000 it buckets exactly like
// the FluxGate contract (EVALUATION.md, "Cross-check"), for ASCII targeting keys.
import { FlagdCore } from "@openfeature/flagd-core";

const core = new FlagdCore();
core.setConfigurations(
  JSON.stringify({
    flags: {
      // Demo: one rule for everyone, split control 50000 then variant-a 50000.
      checkout_button_text: {
        state: "ENABLED",
        variants: { control: "Buy now", "variant-a": "Complete purchase" },
        defaultVariant: "control",
        targeting: { fractional: [["control", 50_000], ["variant-a", 50_000]] },
      },
      // Demo: rollout of 25% to `on`; everyone else falls through to the default `off`.
      dark_mode: {
        state: "ENABLED",
        variants: { on: true, off: false },
        defaultVariant: "off",
        targeting: { fractional: [["on", 25_000], ["off", 75_000]] },
      },
    },
  }),
);

/** The variant flagd's fractional bucketing assigns to `targetingKey` for this demo flag. */
export function expectedVariant(flagKey: "checkout_button_text" | "dark_mode", targetingKey: string): string {
  if (!/^[\x20-\x7e]*$/.test(targetingKey)) throw new Error("the oracle agrees with FluxGate on ASCII keys only");
  const variant =
    flagKey === "dark_mode"
      ? core.resolveBooleanEvaluation(flagKey, false, { targetingKey }).variant
      : core.resolveStringEvaluation(flagKey, "", { targetingKey }).variant;
  if (variant === undefined) throw new Error(`flagd-core assigned no variant for ${flagKey}/${targetingKey}`);
  return variant;
}
