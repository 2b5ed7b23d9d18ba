// Rate limits and daily quotas per client: a partner or admin key by key, an anonymous client by
// address. Fixed windows (a minute, a UTC day) counted in this process: behind several instances each
// counts its own. Answers carry RateLimit-* headers; a client over its limit gets 429 and Retry-After.
import type { Plugin } from "graphql-yoga";
import { errorResponse } from "./errors.ts";
import { callerOf } from "./use-api-key.ts";

export interface RateLimitOptions {
  /** requests per minute and per UTC day; 0: no limit */
  anonymous: { perMinute: number; perDay: number };
  partner: { perMinute: number; perDay: number };
  /** paths limited (default /graphql and /export.csv) */
  paths?: string[];
  now?: () => number;
}

interface Window {
  start: number;
  count: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Above this many clients, windows that ended are swept (memory stays bounded under address spraying). */
const SWEEP_AT = 10_000;

export function useRateLimit(options: RateLimitOptions): Plugin {
  const paths = options.paths ?? ["/graphql", "/export.csv"];
  const now = options.now ?? Date.now;
  const windows = new Map<string, { minute: Window; day: Window }>();
  const sweep = (t: number) => {
    for (const [k, w] of windows) if (t - w.day.start >= DAY && t - w.minute.start >= MINUTE) windows.delete(k);
  };
  return {
    onRequest({ request, url, fetchAPI, endResponse }) {
      if (request.method === "OPTIONS" || !paths.includes(url.pathname)) return;
      const caller = callerOf(request);
      const id = caller.key ? `key:${caller.key.id}` : caller.address ? `address:${caller.address}` : null;
      if (!id) return; // in-process calls (tests, server-side rendering) have no client to limit
      const limits = caller.key ? options.partner : options.anonymous;
      const t = now();
      if (windows.size > SWEEP_AT) sweep(t);
      let w = windows.get(id);
      if (!w) {
        w = { minute: { start: t - (t % MINUTE), count: 0 }, day: { start: t - (t % DAY), count: 0 } };
        windows.set(id, w);
      }
      if (t - w.minute.start >= MINUTE) w.minute = { start: t - (t % MINUTE), count: 0 };
      if (t - w.day.start >= DAY) w.day = { start: t - (t % DAY), count: 0 };
      const over =
        limits.perMinute > 0 && w.minute.count >= limits.perMinute
          ? { what: `${limits.perMinute} requests a minute`, reset: w.minute.start + MINUTE }
          : limits.perDay > 0 && w.day.count >= limits.perDay
            ? { what: `${limits.perDay} requests a day`, reset: w.day.start + DAY }
            : null;
      if (over) {
        const retry = Math.max(1, Math.ceil((over.reset - t) / 1000));
        const who = caller.key ? `the key "${caller.key.name}"` : "anonymous clients";
        const hint = caller.key ? "" : "; a partner API key has a higher limit";
        endResponse(
          errorResponse(fetchAPI, 429, "RATE_LIMITED", `rate limit of ${who} reached: ${over.what}${hint}`, {
            "retry-after": String(retry),
            "ratelimit-limit": String(limits.perMinute),
            "ratelimit-remaining": "0",
            "ratelimit-reset": String(retry),
          }),
        );
        return;
      }
      w.minute.count++;
      w.day.count++;
      if (limits.perMinute > 0) {
        const state = {
          limit: limits.perMinute,
          remaining: limits.perMinute - w.minute.count,
          reset: Math.ceil((w.minute.start + MINUTE - t) / 1000),
        };
        rateStates.set(request, state);
      }
    },
    onResponse({ request, response }) {
      const state = rateStates.get(request);
      if (!state) return;
      response.headers.set("ratelimit-limit", String(state.limit));
      response.headers.set("ratelimit-remaining", String(state.remaining));
      response.headers.set("ratelimit-reset", String(state.reset));
    },
  };
}

const rateStates = new WeakMap<Request, { limit: number; remaining: number; reset: number }>();
