// The Workers' lazily imported modules, loaded before each test file runs. Background work that
// outlives a test (a Durable Object's publish, a post-commit delivery) can be the first to import one;
// if that import is still resolving when the file ends, vitest closes its module RPC under it
// ("Closing rpc while "resolve" was pending", once in a full run) and the run fails. Loaded here, the
// product's `import()` finds them in the isolate. That they stay lazy in the deployed Workers is
// checked by test/node/import-graph.test.ts and test/e2e/regex-on-demand.test.ts.
// Registered as a setup file of the workers project (vitest.config.ts).
await Promise.all([
  import("../../../engine/operators/re2.ts"),
  import("../../../workers/evaluation/openapi/schemas"),
  import("../../../workers/evaluation/openapi/openapi.json"),
  import("../../../workers/evaluation/analytics/evaluation-counts-route"),
  import("../../../workers/evaluation/analytics/track-route"),
]);

export {};
