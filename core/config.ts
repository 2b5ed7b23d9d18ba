import path from "node:path";
import { z } from "zod";
import { ConfigError } from "./errors.ts";

export type Driver = "pglite" | "pg" | "neon";

const schema = z.object({
  DATABASE_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === "" || isPostgresUrl(v), {
      message: "must be a postgres:// or postgresql:// URL with a host, e.g. postgres://user@127.0.0.1:5432/ogs",
    }),
  DATABASE_DRIVER: z.enum(["pglite", "pg", "neon"]).optional(),
  OGS_DATA_DIR: z.string().min(1).default(".ogs"),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  OGS_RAW_BUCKET: z.string().optional(),
  OGS_LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  OGS_FETCH_TIMEOUT_MS: z.coerce.number().int().positive().default(120_000),
  OGS_UPSTREAM_MIRROR: z.url().optional(),
  OGS_NEON_WS_PROXY: z.string().optional(),
  // The public API (graphql/yoga.ts): see README.md, "Configuration" and "Integrating".
  OGS_CORS_ORIGINS: z.string().default("*"),
  OGS_CACHE_MAX_AGE_S: z.coerce.number().int().min(0).default(60),
  OGS_RESPONSE_CACHE_SIZE: z.coerce.number().int().min(0).default(1000),
  OGS_CATALOG_MAX_AGE_S: z.coerce.number().min(0).default(5),
  OGS_PERSISTED_ONLY: z.enum(["true", "false", "1", "0"]).default("false"),
  OGS_PERSISTED_OPERATIONS: z.string().optional(),
  OGS_RATE_LIMIT_ANON: z.coerce.number().int().min(0).default(300),
  OGS_RATE_LIMIT_PARTNER: z.coerce.number().int().min(0).default(3000),
  OGS_QUOTA_ANON_DAY: z.coerce.number().int().min(0).default(20_000),
  OGS_QUOTA_PARTNER_DAY: z.coerce.number().int().min(0).default(1_000_000),
  OGS_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  OGS_MAX_BODY_BYTES: z.coerce.number().int().positive().default(100_000),
});

/** Settings of the public API; 0 disables a limit or the cache. */
export interface ApiConfig {
  /** allowed browser origins; ["*"]: any */
  corsOrigins: string[];
  /** Cache-Control max-age of GET answers, and how long the in-process response cache keeps one */
  cacheMaxAgeS: number;
  /** entries of the in-process response cache */
  responseCacheSize: number;
  /** how long a process keeps the catalog (reference data, release list) before reading it again; a
   *  publish in the same process drops it at once (graphql/catalog.ts) */
  catalogMaxAgeS: number;
  /** refuse documents that are not in the persisted operations manifest */
  persistedOnly: boolean;
  /** JSON manifest of trusted documents: { "<sha256 of the document>": "<document>" } */
  persistedOperations: string | undefined;
  /** requests per minute: anonymous clients (by address), partner and admin keys (by key) */
  rateLimitAnon: number;
  rateLimitPartner: number;
  /** requests per UTC day */
  quotaAnonDay: number;
  quotaPartnerDay: number;
  maxBodyBytes: number;
}

export interface Config {
  driver: Driver;
  databaseUrl: string | undefined;
  dataDir: string;
  /** Folder of the embedded database (PGlite) */
  pgliteDir: string;
  /** Folder of the raw data lake when no bucket is set */
  rawDir: string;
  rawBucket: string | undefined;
  port: number;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  /** timeout of one upstream HTTP request */
  fetchTimeoutMs: number;
  /** read upstream files from <mirror>/<connector>/<file name> instead of their publishers' URLs */
  upstreamMirror: string | undefined;
  /** Neon driver only: a WebSocket proxy without TLS (host:port/path), for local tests */
  neonWsProxy: string | undefined;
  /** every statement outside a transaction is cancelled after this long (0: never); PostgreSQL and Neon only */
  statementTimeoutMs: number;
  api: ApiConfig;
}

function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** Inside Lambda, SST passes linked resources as SST_RESOURCE_<Name> JSON (the same place its SDK reads). */
function sstLinks(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const link = (name: string): Record<string, string> | undefined => {
    const raw = env[`SST_RESOURCE_${name}`];
    return raw ? JSON.parse(raw) : undefined;
  };
  return {
    DATABASE_URL: link("DatabaseUrl")?.value,
    OGS_RAW_BUCKET: link("RawBucket")?.name,
  };
}

/** Reads the configuration from an environment (process.env by default) and SST's links; lists every problem at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const links = Object.fromEntries(Object.entries(sstLinks(env)).filter(([, v]) => v !== undefined));
  const parsed = schema.safeParse({ ...env, ...links });
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`));
  }
  const e = parsed.data;
  const databaseUrl = e.DATABASE_URL || undefined;
  const problems: string[] = [];
  let driver: Driver = e.DATABASE_DRIVER ?? (databaseUrl ? "pg" : "pglite");
  if (!e.DATABASE_DRIVER && databaseUrl && new URL(databaseUrl).hostname.endsWith("neon.tech")) driver = "neon";
  if (driver !== "pglite" && !databaseUrl) problems.push(`DATABASE_DRIVER=${driver} needs DATABASE_URL`);
  const persistedOnly = e.OGS_PERSISTED_ONLY === "true" || e.OGS_PERSISTED_ONLY === "1";
  if (persistedOnly && !e.OGS_PERSISTED_OPERATIONS)
    problems.push("OGS_PERSISTED_ONLY needs OGS_PERSISTED_OPERATIONS (the manifest of trusted documents)");
  if (problems.length) throw new ConfigError(problems);
  const dataDir = path.resolve(e.OGS_DATA_DIR);
  return {
    driver,
    databaseUrl,
    dataDir,
    pgliteDir: path.join(dataDir, "pglite"),
    rawDir: path.join(dataDir, "raw"),
    rawBucket: e.OGS_RAW_BUCKET || undefined,
    port: e.PORT,
    logLevel: e.OGS_LOG_LEVEL,
    fetchTimeoutMs: e.OGS_FETCH_TIMEOUT_MS,
    upstreamMirror: e.OGS_UPSTREAM_MIRROR,
    neonWsProxy: e.OGS_NEON_WS_PROXY,
    statementTimeoutMs: e.OGS_STATEMENT_TIMEOUT_MS,
    api: {
      corsOrigins: e.OGS_CORS_ORIGINS.split(",")
        .map((o) => o.trim())
        .filter(Boolean),
      cacheMaxAgeS: e.OGS_CACHE_MAX_AGE_S,
      responseCacheSize: e.OGS_RESPONSE_CACHE_SIZE,
      catalogMaxAgeS: e.OGS_CATALOG_MAX_AGE_S,
      persistedOnly,
      persistedOperations: e.OGS_PERSISTED_OPERATIONS ? path.resolve(e.OGS_PERSISTED_OPERATIONS) : undefined,
      rateLimitAnon: e.OGS_RATE_LIMIT_ANON,
      rateLimitPartner: e.OGS_RATE_LIMIT_PARTNER,
      quotaAnonDay: e.OGS_QUOTA_ANON_DAY,
      quotaPartnerDay: e.OGS_QUOTA_PARTNER_DAY,
      maxBodyBytes: e.OGS_MAX_BODY_BYTES,
    },
  };
}
