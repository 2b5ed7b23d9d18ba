// Who is calling: an API key (`authorization: Bearer ogs_...` or `x-api-key: ogs_...`), verified
// against the key store once per request (which counts its use), or an anonymous client known by
// its address. A request with a key that is not valid (unknown, revoked, malformed) is refused with
// 401 rather than served as anonymous, so a partner notices a revoked key at once.
import type { Plugin } from "graphql-yoga";
import { type ApiKeyInfo, verifyKey } from "../../db/api-keys.ts";
import { db } from "../../db/client.ts";
import { errorResponse } from "./errors.ts";

export interface Caller {
  key: ApiKeyInfo | null;
  /** the client's address: the socket's peer, else the last X-Forwarded-For hop (the one a proxy
   *  such as a Lambda URL appended, which a client cannot forge); null in-process (yoga.fetch) */
  address: string | null;
}

const callers = new WeakMap<Request, Caller>();

/** The caller of a request, as identified by useApiKey. */
export function callerOf(request: Request): Caller {
  return callers.get(request) ?? { key: null, address: null };
}

/** The caller behind a GraphQL context (yoga puts the request in it). */
export function callerOfContext(ctx: object): Caller {
  const request = (ctx as { request?: Request }).request;
  return request ? callerOf(request) : { key: null, address: null };
}

/** The token a request carries, if any. */
export function tokenOf(request: Request): string | null {
  const auth = request.headers.get("authorization");
  if (auth) return /^bearer\s+/i.test(auth) ? auth.replace(/^bearer\s+/i, "").trim() : auth.trim();
  return request.headers.get("x-api-key")?.trim() || null;
}

function addressOf(request: Request, serverContext: unknown): string | null {
  const socket = (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req?.socket;
  if (socket?.remoteAddress) return socket.remoteAddress;
  const forwarded = request.headers.get("x-forwarded-for");
  const hops = forwarded?.split(",").map((h) => h.trim()) ?? [];
  return hops.at(-1) || null;
}

export function useApiKey(): Plugin {
  return {
    async onRequest({ request, serverContext, fetchAPI, endResponse }) {
      if (request.method === "OPTIONS") return;
      const token = tokenOf(request);
      let key: ApiKeyInfo | null = null;
      try {
        key = token ? await verifyKey(db(), token) : null;
      } catch {
        endResponse(errorResponse(fetchAPI, 503, "SERVICE_UNAVAILABLE", "cannot check the API key right now: retry"));
        return;
      }
      if (token && !key) {
        endResponse(
          errorResponse(fetchAPI, 401, "UNAUTHENTICATED", "the API key is not valid (unknown or revoked)", {
            "www-authenticate": 'Bearer realm="ogs"',
          }),
        );
        return;
      }
      callers.set(request, { key, address: addressOf(request, serverContext) });
    },
  };
}
