// Fresh databases for tests: a new PostgreSQL database per test file (dropped afterwards), or an
// in-memory PGlite. Both are migrated.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { type Config, loadConfig } from "../../core/config.ts";
import { type Database, type OpenOptions, openDatabase } from "../../db/client.ts";
import { migrate } from "../../db/migrate.ts";

/** Admin connection of the test PostgreSQL (CI: the machine's PostgreSQL 15 on 127.0.0.1:5432). */
export const adminUrl = process.env.OGS_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** Which drivers the suite runs on: OGS_TEST_DRIVERS=pglite,pg (default both). */
export const testDrivers = (process.env.OGS_TEST_DRIVERS ?? "pglite,pg").split(",") as ("pglite" | "pg")[];

export interface TestDatabase {
  db: Database;
  config: Config;
  url?: string;
  drop(): Promise<void>;
}

/** Creates an empty PostgreSQL database with a unique name; returns its URL and a drop function. */
export async function createPgDatabase(
  template?: string,
): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `ogs_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${name}"${template ? ` template "${template}"` : ""}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists "${name}" with (force)`);
      await a.end();
    },
  };
}

/** A fresh, migrated database on the given driver. */
export async function freshDatabase(
  driver: "pglite" | "pg",
  env: Record<string, string> = {},
  options: OpenOptions = {},
): Promise<TestDatabase> {
  const dataDir = `tests/out/data-${process.pid}-${randomBytes(3).toString("hex")}`;
  if (driver === "pglite") {
    const config = loadConfig({ OGS_DATA_DIR: dataDir, ...env });
    const db = await openDatabase(config, { memory: true, ...options });
    await migrate(db);
    return { db, config, drop: () => db.close() };
  }
  const t = await openPgTestDatabase(await createPgDatabase(), { OGS_DATA_DIR: dataDir, ...env }, options);
  await migrate(t.db);
  return t;
}

/** Opens a database made by createPgDatabase; drop() closes it and drops it. */
export async function openPgTestDatabase(
  created: { url: string; drop: () => Promise<void> },
  env: Record<string, string>,
  options: OpenOptions = {},
): Promise<TestDatabase> {
  const config = loadConfig({ DATABASE_URL: created.url, ...env });
  const db = await openDatabase(config, options);
  return {
    db,
    config,
    url: created.url,
    async drop() {
      await db.close();
      await created.drop();
    },
  };
}
