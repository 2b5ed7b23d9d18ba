// The JSON error answer of a request refused before GraphQL runs (too large, unauthenticated,
// rate limited): the same shape as a GraphQL error, so clients read one format.
import type { FetchAPI } from "graphql-yoga";

export function errorResponse(
  fetchAPI: FetchAPI,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}
