// The self-contained browser build, dist/browser/fluxgate.js: the whole SDK, the OpenFeature web
// provider and the OpenFeature web SDK it plugs into, in one ES module with no imports, so a plain
// page needs no bundler and no import map:
//   <script type="module">import { OpenFeature, FluxGateWebProvider } from "/fluxgate.js"; ...</script>
// (OpenFeature's API object is a global singleton, so a page that also loads @openfeature/web-sdk
// elsewhere still shares one.)
export * from "./index";
export { FluxGateWebProvider, flagsChangedOf, type FluxGateWebProviderOptions, type WebRemoteOptions } from "./openfeature/web-provider";
export {
  ErrorCode, InMemoryProvider, OpenFeature, ProviderEvents, ProviderStatus, StandardResolutionReasons,
  type Client, type EvaluationDetails, type EventDetails, type Hook, type Provider,
} from "@openfeature/web-sdk";
