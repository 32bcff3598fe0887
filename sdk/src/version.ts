/** Sent in `hello.sdk` and in evaluation-count batches (`sdk`). */
export const SDK_NAME = "fluxgate-sdk/0.1.0";
