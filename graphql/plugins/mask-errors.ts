// How errors leave the API: a client error (a GraphQLError with an extensions.code) as it is; a
// statement cancelled by the statement timeout as QUERY_TIMEOUT, which the client can act on (ask
// for less); anything else as "Unexpected error." with no message, stack or cause, in any
// NODE_ENV; a database that is away (down, restarting) as DATABASE_UNAVAILABLE with HTTP 503 and
// Retry-After, so a client retries instead of reporting a bug. The server logs the message of what
// it masked (never a request header, so never a key).
import { maskError as yogaMaskError } from "graphql-yoga";
import { isDatabaseUnavailable, isStatementTimeout } from "../../db/client.ts";
import { GraphQLError } from "../graphql-js.ts";

export interface MaskErrorsOptions {
  statementTimeoutMs: number;
  log?: (line: string) => void;
}

let unavailableLoggedAt = 0;

export function maskErrors({ statementTimeoutMs, log = console.error }: MaskErrorsOptions) {
  return (error: unknown, message: string): Error => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    if (isStatementTimeout(original)) {
      return new GraphQLError(
        `the query ran longer than the statement timeout of ${statementTimeoutMs} ms and was cancelled: ask for less (fewer territories, years or nested fields) in one request`,
        {
          nodes: error instanceof GraphQLError ? error.nodes : undefined,
          path: error instanceof GraphQLError ? error.path : undefined,
          extensions: { code: "QUERY_TIMEOUT", timeoutMs: statementTimeoutMs },
        },
      );
    }
    if (isDatabaseUnavailable(original)) {
      const now = Date.now();
      if (now - unavailableLoggedAt > 5000) {
        unavailableLoggedAt = now; // once per 5 s at most: an outage under load is one line, not thousands
        log(`database unavailable: ${(original as Error)?.message ?? String(original)}`);
      }
      return new GraphQLError("the database is unavailable right now: try again in a few seconds", {
        nodes: error instanceof GraphQLError ? error.nodes : undefined,
        path: error instanceof GraphQLError ? error.path : undefined,
        extensions: { code: "DATABASE_UNAVAILABLE", http: { status: 503, headers: { "retry-after": "5" } } },
      });
    }
    return yogaMaskError(error, message, false); // yoga's logger has logged the original, server-side
  };
}
