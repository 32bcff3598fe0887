/** Where the SDK reports what it swallows (count upload failures, storage errors). */
export interface FluxGateLogger {
  debug?(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

/** Silent by default: an SDK must not write to the application's console unasked. */
export const silentLogger: FluxGateLogger = { warn() {}, error() {} };
