// Mounts the console's editors on their own in a browser page, with real React state: the value the
// editor reports through onChange is shown as JSON in <pre id="value">, so a test can act as a
// user (clicks, typing, selects) and read exactly what the rules editor would save.
// Bundled for the browser by components.browser.test.ts (esbuild); `window.mount(name)` picks one.
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import { ConditionBuilder } from "~/components/ConditionBuilder";
import { SplitEditor } from "~/components/SplitEditor";
import { toGroupInputs, type GroupDraft } from "~/lib/conditions";
import type { Allocation } from "~/lib/splits";

function ConditionBuilderHarness() {
  const [groups, setGroups] = useState<GroupDraft[]>([]);
  return (
    <>
      <ConditionBuilder groups={groups} onChange={setGroups} segments={["beta-testers", "staff"]} label="Rule 1" />
      <pre id="value">{JSON.stringify(toGroupInputs(groups))}</pre>
    </>
  );
}

function SplitEditorHarness() {
  const [allocations, setAllocations] = useState<Allocation[]>([{ variant: "control", weight: 100_000 }]);
  return (
    <>
      <SplitEditor allocations={allocations} variants={["control", "variant-a", "variant-b"]} onChange={setAllocations} label="Rule 1" />
      <pre id="value">{JSON.stringify(allocations)}</pre>
    </>
  );
}

const HARNESSES = { ConditionBuilder: ConditionBuilderHarness, SplitEditor: SplitEditorHarness };

declare global {
  interface Window { mount(name: keyof typeof HARNESSES): void }
}

window.mount = (name) => {
  const Harness = HARNESSES[name];
  createRoot(document.getElementById("root")!).render(<StrictMode><main><Harness /></main></StrictMode>);
};
