// The one database module: the same Prisma client and raw SQL access over three drivers
// (embedded PGlite, PostgreSQL over TCP, Neon's serverless driver), chosen by configuration.
import { createHash } from "node:crypto";
import fs from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { PGlite } from "@electric-sql/pglite";
import { Pool as NeonPool, neonConfig } from "@neondatabase/serverless";
import { PrismaNeon } from "@prisma/adapter-neon";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { from as copyFromStdin } from "pg-copy-streams";
import { PrismaPGlite } from "pglite-prisma-adapter";
import ws from "ws";
import type { Config, Driver } from "../core/config.ts";
import { UserError } from "../core/errors.ts";
import { PrismaClient } from "../generated/prisma/client.ts";

/** Raw, parameterised SQL: the bulk-load and aggregation paths that Prisma's query builder cannot express. */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[], options?: QueryOptions): Promise<T[]>;
  /** PostgreSQL over TCP, inside a transaction: `COPY ... FROM STDIN` fed with these chunks (the bulk-load path) */
  copyFrom?(statement: string, chunks: Iterable<string>): Promise<void>;
}

export interface QueryOptions {
  /** A statement the API sends again and again with other values (the slices): on PostgreSQL over
   *  TCP it is prepared once per connection, under a name taken from its text, so the server parses
   *  it once and, after five runs, keeps a generic plan when that costs no more than planning each
   *  time. PGlite and Neon send it unnamed. */
  prepare?: boolean;
}

export interface Database extends Sql {
  driver: Driver;
  /** the embedded database itself, on the pglite driver (tests dump and reload it) */
  pglite?: PGlite;
  prisma: PrismaClient;
  /** Runs several statements separated by semicolons, without parameters (migrations). */
  exec(text: string): Promise<void>;
  /** Runs fn in one transaction on one connection: committed if fn resolves, rolled back if it throws.
   *  The statement timeout does not apply inside: transactions are the connectors' long loads. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** SQL statements sent so far, by Prisma and by raw SQL: tests count them to catch N+1 queries. */
  statements: { count: number; log: string[] };
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PGlite only: keep the database in memory (tests) instead of config.pgliteDir */
  memory?: boolean;
  /** PGlite only: start from a dump made by PGlite.dumpDataDir() */
  loadDataDir?: Blob;
  /** Neon only: how to reach the database (tests route Neon's WebSocket through a local proxy) */
  neon?: Partial<typeof neonConfig>;
  logStatements?: boolean;
  /** PostgreSQL and Neon: do not check now that the database answers (the pool connects on the
   *  first query, and again after each failure): a server starts while its database is away */
  lazy?: boolean;
}

type Pool = pg.Pool | NeonPool;

/** The planner's cost of a random page read against a sequential one (default 4, for spinning disks).
 *  On SSDs, as Neon's and any current server's, 1.1: descendants of a territory are then read by
 *  index probes from the closure table instead of a scan of every territory of the level. */
export const RANDOM_PAGE_COST = 1.1;

export async function openDatabase(config: Config, options: OpenOptions = {}): Promise<Database> {
  const statements = { count: 0, log: [] as string[] };
  const record = (text: string) => {
    statements.count++;
    if (options.logStatements) statements.log.push(text);
  };
  let db: Database;
  if (config.driver === "pglite") {
    db = await openPglite(config, options, statements, record);
  } else {
    db = await openPool(config, options, statements, record);
  }
  db.prisma.$on("query" as never, (e: { query: string }) => record(e.query));
  return db;
}

async function openPglite(
  config: Config,
  options: OpenOptions,
  statements: Database["statements"],
  record: (t: string) => void,
): Promise<Database> {
  let dataDir: string | undefined;
  if (!options.memory) {
    dataDir = config.pgliteDir;
    try {
      fs.mkdirSync(dataDir, { recursive: true });
      fs.accessSync(dataDir, fs.constants.W_OK);
    } catch (e) {
      throw new UserError(
        `data folder ${dataDir} is not writable (${(e as NodeJS.ErrnoException).code}); set OGS_DATA_DIR`,
      );
    }
  }
  const pglite = await PGlite.create({ dataDir, loadDataDir: options.loadDataDir });
  await pglite.exec(`set random_page_cost = ${RANDOM_PAGE_COST}`);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite), log: [{ emit: "event", level: "query" }] });
  const query = async <T>(text: string, params?: unknown[]) => {
    record(text);
    return (await pglite.query<T>(text, params as unknown[])).rows;
  };
  return {
    driver: "pglite",
    pglite,
    prisma,
    statements,
    query,
    async exec(text) {
      record(text);
      await pglite.exec(text);
    },
    transaction: (fn) =>
      pglite.transaction((tx) =>
        fn({
          async query<T>(text: string, params?: unknown[]) {
            record(text);
            return (await tx.query<T>(text, params as unknown[])).rows;
          },
        }),
      ),
    async close() {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

async function openPool(
  config: Config,
  options: OpenOptions,
  statements: Database["statements"],
  record: (t: string) => void,
): Promise<Database> {
  const url = config.databaseUrl as string;
  let pool: Pool;
  let prisma: PrismaClient;
  const log = [{ emit: "event", level: "query" }] as const;
  // A server-side cap on every statement (a startup parameter of each connection), so no API
  // request can hold a connection for long; transactions (connector loads) lift it, see below.
  const timeout = config.statementTimeoutMs > 0 ? { statement_timeout: config.statementTimeoutMs } : {};
  if (config.driver === "neon") {
    neonConfig.webSocketConstructor ??= ws; // Node 20 (and Lambda's nodejs20.x) has no global WebSocket
    if (config.neonWsProxy) {
      const proxy = config.neonWsProxy;
      Object.assign(neonConfig, {
        wsProxy: (host: string, port: number | string) => `${proxy}?address=${host}:${port}`,
        useSecureWebSocket: false,
        pipelineTLS: false,
        pipelineConnect: false,
      });
    }
    Object.assign(neonConfig, options.neon ?? {});
    pool = new NeonPool({ connectionString: url, ...timeout });
    prisma = new PrismaClient({ adapter: new PrismaNeon({ connectionString: url, ...timeout }), log: [...log] });
  } else {
    // jit off: the API's statements are short, and PostgreSQL's JIT compiles any plan it costs high
    // (a roll-up's subplans), adding 100-250 ms to a 10 ms statement
    const options = `-c jit=off -c random_page_cost=${RANDOM_PAGE_COST}`;
    pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 10_000, options, ...timeout });
    prisma = new PrismaClient({ adapter: new PrismaPg(pool as pg.Pool), log: [...log] });
  }
  pool.on("error", () => {}); // an idle client lost with the server: the next query reconnects
  const prepare = config.driver === "pg";
  const run = async <T>(client: Pool | pg.PoolClient, text: string, params?: unknown[], options?: QueryOptions) => {
    record(text);
    if (options?.prepare && prepare) {
      const named = () => (client as pg.Pool).query({ name: statementName(text), text, values: params });
      try {
        return (await named()).rows as T[];
      } catch (e) {
        // a table's columns changed under the prepared statement (a migration while the server
        // runs): the server refuses the kept plan, so the statement is prepared again under a new name
        if ((e as { code?: string }).code !== "0A000") throw e;
        renameStatements();
        return (await named()).rows as T[];
      }
    }
    return (await (client as pg.Pool).query(text, params)).rows as T[];
  };
  if (!options.lazy) {
    try {
      await run(pool, "select 1");
    } catch (e) {
      await pool.end().catch(() => {});
      throw new UserError(
        `cannot reach the database at ${describeUrl(url)}: ${(e as Error).message || (e as NodeJS.ErrnoException).code}`,
      );
    }
  }
  return {
    driver: config.driver,
    prisma,
    statements,
    query: (text, params, options) => run(pool, text, params, options),
    async exec(text) {
      await run(pool, text);
    },
    async transaction(fn) {
      const client = await (pool as pg.Pool).connect();
      try {
        await client.query("begin");
        if (config.statementTimeoutMs > 0) await client.query("set local statement_timeout = 0");
        const copyFrom =
          config.driver === "pg"
            ? async (statement: string, chunks: Iterable<string>) => {
                record(statement);
                await pipeline(Readable.from(chunks), (client as pg.PoolClient).query(copyFromStdin(statement)));
              }
            : undefined;
        const result = await fn({ query: (text, params, options) => run(client, text, params, options), copyFrom });
        await client.query("commit");
        return result;
      } catch (e) {
        await client.query("rollback").catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

const statementNames = new Map<string, string>();
let statementGeneration = 0;

/** The name of a prepared statement: a digest of its text, so one name never stands for two texts. */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `ogs${statementGeneration}_${createHash("sha256").update(text).digest("base64url").slice(0, 20)}`;
    // statement texts come from a few builders (db/queries); the bound only guards against a leak
    if (statementNames.size >= 1_000) statementNames.clear();
    statementNames.set(text, name);
  }
  return name;
}

/** New names for every statement: those prepared before are left to their connections. */
function renameStatements(): void {
  statementGeneration++;
  statementNames.clear();
}

/** Whether an error (from pg, or from Prisma wrapping it) is PostgreSQL cancelling a statement that ran too long. */
export function isStatementTimeout(e: unknown): boolean {
  for (let x = e as { code?: unknown; message?: unknown; cause?: unknown; meta?: unknown } | undefined; x; ) {
    if (x.code === "57014" || /canceling statement due to statement timeout/.test(String(x.message))) return true;
    if (x.meta && /"57014"/.test(JSON.stringify(x.meta))) return true;
    x = x.cause as typeof x;
  }
  return false;
}

/** Network and server-state codes of a database that is away: down, restarting, unreachable. */
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "57P01", // admin_shutdown: terminating connection due to administrator command
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: the database system is starting up / shutting down
  "P1001", // Prisma: can't reach database server
  "P1002", // Prisma: the database server timed out
  "P1017", // Prisma: server has closed the connection
  "P2024", // Prisma: timed out fetching a new connection from the pool
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|the database system is (starting up|shutting down|in recovery mode)|terminating connection due to administrator command|Client has encountered a connection error|DatabaseNotReachable|ConnectionClosed/i;

/** Whether an error (from pg, or from Prisma wrapping it) says the database is away rather than the query wrong. */
export function isDatabaseUnavailable(e: unknown): boolean {
  let x = e as
    | { code?: unknown; message?: unknown; cause?: unknown; meta?: unknown; originalError?: unknown }
    | undefined;
  for (let depth = 0; x && depth < 8; depth++) {
    if (typeof x.code === "string" && UNAVAILABLE_CODES.has(x.code)) return true;
    if (UNAVAILABLE_MESSAGES.test(String(x.message ?? ""))) return true;
    if (x.meta && UNAVAILABLE_MESSAGES.test(JSON.stringify(x.meta))) return true;
    x = (x.cause ?? x.originalError) as typeof x;
  }
  return false;
}

/** host:port/database of a URL, without its password: safe to print. */
export function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}${u.pathname}`;
}

let current: Database | undefined;

/** The database the process uses (set by the CLI, the server, the handlers or a test). */
export function db(): Database {
  if (!current) throw new Error("no database opened: call useDatabase() first");
  return current;
}

export function useDatabase(database: Database | undefined): void {
  current = database;
}
