// Public API of the FluxGate evaluation engine (engine/core.ts) with its regex engine, RE2JS,
// installed on import: what the SDK, the admin Worker, scripts and tests use. The evaluation
// Worker imports engine/core.ts instead and loads RE2JS only for a flag set that uses `matches`.
import { installRegexEngine } from "./operators/regex.ts";
import { re2Engine } from "./operators/re2.ts";

installRegexEngine(re2Engine);

export * from "./core.ts";
export { compilePattern } from "./operators/regex.ts";
