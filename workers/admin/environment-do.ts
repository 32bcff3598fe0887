// The environment Durable Object as deployed: the admin Worker defines it (the evaluation Worker
// binds it by script_name) and wires the control plane's runner into the alarm's scheduled work,
// so durable-objects/ never imports the admin plane.
import { EnvironmentObject, type ScheduledWork } from "../../durable-objects/environment-do";
import { controlDeps } from "./core/deps";
import { runScheduledChange } from "./workflow/scheduled-runner";

export class EnvironmentDO extends EnvironmentObject {
  protected override scheduledWork(): ScheduledWork {
    return {
      run: async (scheduledChangeId) => {
        await runScheduledChange(controlDeps(this.env), scheduledChangeId);
      },
    };
  }
}
