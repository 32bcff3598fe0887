// A browser application of the installed @fluxgate/sdk tarball: bundled by
// test/node/sdk-dist.test.ts with esbuild for the browser platform, then run.
import { OpenFeature } from "@openfeature/web-sdk";
import { MemorySnapshotStorage } from "@fluxgate/sdk";
import { FluxGateWebProvider } from "@fluxgate/sdk/openfeature/web";

/** Bootstraps the web provider (local mode) and resolves one flag synchronously for an admin. */
export async function run(baseUrl, bootstrap) {
  await OpenFeature.setContext({ targetingKey: "u-1", role: "admin" });
  await OpenFeature.setProviderAndWait(new FluxGateWebProvider({
    mode: "local", baseUrl, credential: "fg_dist_web", bootstrap, storage: new MemorySnapshotStorage(), evaluationCounts: false,
  }));
  const { value, variant, reason } = OpenFeature.getClient().getBooleanDetails("BetaUsers", false);
  await OpenFeature.close();
  return { value, variant, reason };
}
