// Errors meant for clients: GraphQLErrors with an extensions.code. Anything else is masked by yoga.

import { GwpError } from "../core/gwp.ts";
import { LIMITS } from "./builder.ts";
import { GraphQLError } from "./graphql-js.ts";

export type ErrorCode =
  | "BAD_USER_INPUT"
  | "NOT_FOUND"
  | "SOURCE_REQUIRED"
  | "RELEASE_AMBIGUOUS"
  | "PAGE_SIZE_EXCEEDED"
  | "GWP_CONVERSION"
  | "MIXED_GWP_SETS"
  | "GWP_REQUIRED";

export function clientError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

/** A GwpError becomes the client error it describes; other errors pass unchanged (and are masked). */
export function asClientError(e: unknown): unknown {
  return e instanceof GwpError ? clientError(e.code, e.message) : e;
}

/** Runs fn and turns a GwpError into a client error. */
export async function clientErrors<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw asClientError(e);
  }
}

export function checkPageSize(first: number | null | undefined, last?: number | null): void {
  for (const n of [first, last]) {
    if (n != null && (n < 0 || n > LIMITS.pageSize))
      throw clientError("PAGE_SIZE_EXCEEDED", `page size ${n} is outside 0..${LIMITS.pageSize}: page with after`, {
        limit: LIMITS.pageSize,
      });
  }
}
