/** Test helper: the ApiError a promise is refused with (fails the test if it resolves). */
import { ApiError } from "./errors";

export async function refusal(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}
