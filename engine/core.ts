// Public API of the FluxGate evaluation engine: pure, no platform imports; the Worker, the
// Durable Object and the SDK all run this module.
//
// Results are immutable and shared: evaluateFlag / evaluateAll return frozen EvaluationResult
// objects precomputed by compileFlagSet (per rule outcome, split range, default, off value and
// failed prerequisite), the same object for every caller that lands on the same outcome. Read
// them; copy to change (the Worker renders `{ ...metadata, stale: true }`); never mutate.
//
// This entry installs no regex engine: a host importing it awaits prepareFlagSet(input) before
// compiling each flag set (the evaluation Worker, which loads RE2JS only for a set using `matches`).
// engine/index.ts is the same API with RE2JS installed up front.
export { type CompileOptions, compileFlagSet, FlagSetCompileError } from "./compile.ts";
export { snapshotText } from "./snapshot-text.ts";
export { evaluateAll, evaluateFlag } from "./evaluate.ts";
export type { CompileDiagnostic, CompiledFlagSet, DiagnosticCode } from "./compiled.ts";
export { type HashPrefix, murmur3, murmur3Concat, murmur3Prefix, murmur3WithPrefix } from "./murmur3.ts";
export { BUCKET_COUNT, bucketOf, bucketOfHash, bucketOfPrefixed, hashBound, rolloutThreshold } from "./bucket.ts";
export { compareSemVer, parseSemVer, type SemVer } from "./operators/semver.ts";
export { mayNeedRegex, prepareFlagSet } from "./regex-demand.ts";
export { RegexEngineMissingError } from "./operators/regex.ts";
export * from "./types.ts";
