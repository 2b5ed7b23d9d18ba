// The one database module: the same Prisma client and raw SQL access over three drivers
// (embedded PGlite, PostgreSQL over TCP, Neon's serverless driver), chosen by configuration.
import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { Pool as NeonPool, neonConfig } from "@neondatabase/serverless";
import { PrismaNeon } from "@prisma/adapter-neon";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import ws from "ws";
import type { Config, Driver } from "../core/config.ts";
import { UserError } from "../core/errors.ts";
import { PrismaClient } from "../generated/prisma/client.ts";

/** Raw, parameterised SQL: the bulk-load and aggregation paths that Prisma's query builder cannot express. */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface Database extends Sql {
  driver: Driver;
  /** the embedded database itself, on the pglite driver (tests dump and reload it) */
  pglite?: PGlite;
  prisma: PrismaClient;
  /** Runs several statements separated by semicolons, without parameters (migrations). */
  exec(text: string): Promise<void>;
  /** Runs fn in one transaction on one connection: committed if fn resolves, rolled back if it throws. */
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
}

type Pool = pg.Pool | NeonPool;

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
    pool = new NeonPool({ connectionString: url });
    prisma = new PrismaClient({ adapter: new PrismaNeon({ connectionString: url }), log: [...log] });
  } else {
    pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 10_000 });
    prisma = new PrismaClient({ adapter: new PrismaPg(pool as pg.Pool), log: [...log] });
  }
  pool.on("error", () => {}); // an idle client lost with the server: the next query reconnects
  const run = async <T>(client: Pool | pg.PoolClient, text: string, params?: unknown[]) => {
    record(text);
    return (await (client as pg.Pool).query(text, params)).rows as T[];
  };
  try {
    await run(pool, "select 1");
  } catch (e) {
    await pool.end().catch(() => {});
    throw new UserError(
      `cannot reach the database at ${describeUrl(url)}: ${(e as Error).message || (e as NodeJS.ErrnoException).code}`,
    );
  }
  return {
    driver: config.driver,
    prisma,
    statements,
    query: (text, params) => run(pool, text, params),
    async exec(text) {
      await run(pool, text);
    },
    async transaction(fn) {
      const client = await (pool as pg.Pool).connect();
      try {
        await client.query("begin");
        const result = await fn({ query: (text, params) => run(client, text, params) });
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
