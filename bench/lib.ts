// Shared pieces of the benchmark scripts: scratch PostgreSQL databases, the smoke switch, medians
// and the plain-text tables they print.
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { type Config, loadConfig } from "../core/config.ts";
import { type Database, openDatabase } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { seed } from "../db/seed.ts";

/** Admin connection of the PostgreSQL the benchmarks use (trust authentication on loopback). */
export const adminUrl = process.env.OGS_BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** BENCH_SMOKE=1 or --smoke: tiny sizes, a few seconds, so that CI runs every script. */
export const smoke = process.env.BENCH_SMOKE === "1" || process.argv.includes("--smoke");

export const benchOut = path.join(import.meta.dirname, "out");

/** The value of `--name value` or `--name=value` on the command line. */
export function option(name: string): string | undefined {
  const args = process.argv.slice(2);
  for (const [i, a] of args.entries()) {
    if (a === `--${name}`) return args[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

export function intOption(name: string, fallback: number): number {
  const v = option(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} wants a positive integer, not ${JSON.stringify(v)}`);
  return n;
}

export function median(xs: number[]): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A new, empty PostgreSQL database `ogs_bench_<label>_<random>`, dropped by drop(). */
export async function scratchDatabase(label: string, template?: string): Promise<ScratchDatabase> {
  const name = `ogs_bench_${label}_${randomBytes(3).toString("hex")}`;
  await admin((c) => c.query(`create database "${name}"${template ? ` template "${template}"` : ""}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => admin((c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}

/** The hub's configuration for a database URL (undefined: in-memory PGlite), raw files under bench/out. */
export function benchConfig(url: string | undefined): Config {
  const dataDir = path.join(benchOut, `data-${process.pid}`);
  return loadConfig(url ? { DATABASE_URL: url, OGS_DATA_DIR: dataDir } : { OGS_DATA_DIR: dataDir });
}

/** Opens, migrates and seeds a hub database. */
export async function openHub(url: string | undefined): Promise<{ db: Database; config: Config }> {
  const config = benchConfig(url);
  const db = await openDatabase(config, url ? {} : { memory: true });
  await migrate(db);
  await seed(db);
  return { db, config };
}

export async function serverVersion(): Promise<string> {
  return admin(async (c) => (await c.query<{ server_version: string }>("show server_version")).rows[0].server_version);
}

/** One line about the machine, for the tables and RESULTS.md. */
export async function machine(): Promise<string> {
  const cpus = os.cpus();
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? "?"}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, PostgreSQL ${await serverVersion()}, ${new Date().toISOString().slice(0, 10)}`;
}

/** Prints rows as an aligned text table (numbers right-aligned). */
export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === "number" ? fmt(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? "").length)));
  const line = (r: (string | number)[]) =>
    r
      .map((c, i) => (typeof rows[0]?.[i] === "number" ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i])))
      .join("  ");
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of cells.slice(1)) console.log(line(r));
}

/** A number with a sensible precision for a table. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return "-";
  const a = Math.abs(n);
  if (a >= 1000) return Math.round(n).toLocaleString("en-US");
  if (a >= 100) return n.toFixed(0);
  if (a >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

export const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

/**
 * The API's settings for measuring it: no response cache (every request runs its resolvers and SQL,
 * as PostGraphile's do) and no rate limit or quota (a load generator is one client). Set before
 * graphql/yoga.ts is imported: it reads the configuration once.
 */
export function benchApiEnv(withCache = false): void {
  if (!withCache) {
    process.env.OGS_RESPONSE_CACHE_SIZE = "0";
    process.env.OGS_CACHE_MAX_AGE_S = "0";
  }
  process.env.OGS_RATE_LIMIT_ANON = "0";
  process.env.OGS_QUOTA_ANON_DAY = "0";
  process.env.OGS_LOG_LEVEL ??= "error";
}
