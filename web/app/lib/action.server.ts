// Actions call the API and turn a refusal into data the form shows (never a thrown 500).
import { ApiError, failure, type ActionFailure } from "./api-error";

export async function attempt<T>(run: () => Promise<T>): Promise<T | ActionFailure> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ApiError) return failure(error.toJSON());
    throw error;
  }
}

export const isFailure = (value: unknown): value is ActionFailure =>
  typeof value === "object" && value !== null && (value as ActionFailure).ok === false;
