// Refuses a request body above a size (413) before anything parses it: by its Content-Length, or,
// without one (chunked), by reading at most that many bytes of a copy.
import type { FetchAPI, Plugin } from "graphql-yoga";
import { errorResponse } from "./errors.ts";

export interface BodyLimitOptions {
  maxBytes: number;
}

export function useBodyLimit({ maxBytes }: BodyLimitOptions): Plugin {
  const refuse = (fetchAPI: FetchAPI) =>
    errorResponse(fetchAPI, 413, "PAYLOAD_TOO_LARGE", `the request body is larger than ${maxBytes} bytes`, {
      connection: "close",
    });
  return {
    async onRequest({ request, fetchAPI, endResponse }) {
      if (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS") return;
      const declared = request.headers.get("content-length");
      if (declared !== null) {
        if (!/^\d+$/.test(declared) || Number(declared) > maxBytes) endResponse(refuse(fetchAPI));
        return;
      }
      const body = request.clone().body;
      if (!body) return;
      const reader = body.getReader();
      let size = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        size += value.byteLength;
        if (size > maxBytes) {
          await reader.cancel();
          endResponse(refuse(fetchAPI));
          return;
        }
      }
    },
  };
}
