// Builds the GraphQL server (no socket: server/serve.ts listens, functions/graphql.ts adapts to Lambda).
// Also serves /export.csv, the CSV export of any slice. The order of the plugins is the order a
// request meets them: CORS (yoga's own, first), body size, API key, rate limit, HTTP cache, then the
// CSV export, persisted operations, query limits and admin checks.
import { createYoga } from "graphql-yoga";
import { type Config, loadConfig } from "../core/config.ts";
import { useCsvExport } from "../server/export-csv.ts";
import { setCatalogMaxAge } from "./catalog.ts";
import { useQueryLimits } from "./limits.ts";
import { maskErrors } from "./plugins/mask-errors.ts";
import { useAdminAuth } from "./plugins/use-admin-auth.ts";
import { useApiKey } from "./plugins/use-api-key.ts";
import { useArgumentChecks } from "./plugins/use-argument-checks.ts";
import { useBodyLimit } from "./plugins/use-body-limit.ts";
import { useHttpCache } from "./plugins/use-http-cache.ts";
import { useJit } from "./plugins/use-jit.ts";
import { usePersistedOperations } from "./plugins/use-persisted-operations.ts";
import { useRateLimit } from "./plugins/use-rate-limit.ts";
import { schema } from "./schema.ts";

/** The API with a configuration (tests build one per setting; the process uses `yoga` below). */
export function createApi(config: Config) {
  const api = config.api;
  setCatalogMaxAge(api.catalogMaxAgeS * 1000);
  return createYoga({
    schema,
    graphqlEndpoint: "/graphql",
    graphiql: { title: "OpenGeoScales hub" },
    maskedErrors: { maskError: maskErrors({ statementTimeoutMs: config.statementTimeoutMs }) },
    landingPage: false,
    cors: {
      origin: api.corsOrigins,
      credentials: false, // public data: no cookie is ever needed, keys travel in a header
      methods: ["GET", "POST", "OPTIONS"],
      allowedHeaders: ["content-type", "authorization", "x-api-key", "if-none-match", "accept"],
      exposedHeaders: [
        "etag",
        "cache-control",
        "ratelimit-limit",
        "ratelimit-remaining",
        "ratelimit-reset",
        "retry-after",
      ],
      maxAge: 86_400,
    },
    plugins: [
      useBodyLimit({ maxBytes: api.maxBodyBytes }),
      useApiKey(),
      useRateLimit({
        anonymous: { perMinute: api.rateLimitAnon, perDay: api.quotaAnonDay },
        partner: { perMinute: api.rateLimitPartner, perDay: api.quotaPartnerDay },
      }),
      useHttpCache({ maxAgeS: api.cacheMaxAgeS, size: api.responseCacheSize }),
      useCsvExport(),
      usePersistedOperations({ manifest: api.persistedOperations, required: api.persistedOnly }),
      useQueryLimits(),
      useArgumentChecks(),
      useAdminAuth({ config }),
      useJit(),
    ],
  });
}

export const yoga = createApi(loadConfig());
