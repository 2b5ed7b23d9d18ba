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
});

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
  };
}
