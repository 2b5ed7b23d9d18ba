// A database with real data loaded by the real connectors, built once and copied for each test
// file: a PostgreSQL template database, or a PGlite dump. Both are keyed by a hash of everything
// that decides their content (migrations, seeds, connectors, data), so a later run reuses them
// while nothing changed. Tests that exercise loading itself use freshDatabase instead.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { runConnector } from "../../connectors/engine/run.ts";
import { connectors, findConnector } from "../../connectors/registry.ts";
import { loadConfig } from "../../core/config.ts";
import { openDatabase } from "../../db/client.ts";
import { seed } from "../../db/seed.ts";
import { adminUrl, createPgDatabase, freshDatabase, openPgTestDatabase, type TestDatabase } from "./database.ts";

const root = path.join(import.meta.dirname, "../..");

/** The sources the API tests read: one template shared by their files. */
export const API_SOURCES = [
  "territories",
  "gwp",
  "gcp",
  "edgar",
  "climate-watch-cait",
  "unfccc-annex1",
  "owid",
  "openclimate-gcb2022",
  "openghgmap",
  "unfccc-di",
];

/** Every connector, in registry order: the default content of a loaded database. */
export const ALL_SOURCES = connectors.map((c) => c.id);

function contentKey(ids: string[]): string {
  const h = createHash("sha256").update(ids.join(","));
  const walk = (dir: string) => {
    for (const entry of fs
      .readdirSync(path.join(root, dir), { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else h.update(rel).update(fs.readFileSync(path.join(root, rel)));
    }
  };
  for (const dir of ["db", "connectors", "core", "data"]) walk(dir);
  h.update(fs.readFileSync(path.join(root, "schema.prisma")));
  return h.digest("hex").slice(0, 12);
}

async function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query("select pg_advisory_lock(hashtext($1))", [`ogs-test-template:${key}`]);
    return await fn();
  } finally {
    await admin.end();
  }
}

async function load(t: TestDatabase, ids: string[]) {
  await seed(t.db);
  for (const id of ids) {
    const connector = findConnector(id);
    if (!connector) throw new Error(`unknown connector ${id}`);
    const run = await runConnector(t.db, connector, { config: t.config, trigger: "test" });
    if (run.status !== "succeeded") throw new Error(`${id} failed while building the test template: ${run.error}`);
  }
}

/** A fresh copy of a database where these connectors (default: all) have loaded their samples. */
export async function loadedDatabase(driver: "pglite" | "pg", ids: string[] = ALL_SOURCES): Promise<TestDatabase> {
  const key = contentKey(ids);
  if (driver === "pg") {
    const template = `ogs_tpl_${key}`;
    await withLock(key, async () => {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        const exists = await admin.query("select 1 from pg_database where datname = $1", [template]);
        if (exists.rowCount) return;
        const t = await freshDatabase("pg");
        await load(t, ids);
        await t.db.close();
        const name = new URL(t.url as string).pathname.slice(1);
        await admin.query(`alter database "${name}" rename to "${template}"`);
        await dropStaleTemplates(admin, ids, template);
      } finally {
        await admin.end();
      }
    });
    return openPgTestDatabase(await createPgDatabase(template), { OGS_DATA_DIR: `tests/out/data-${process.pid}` });
  }
  const dump = path.join(root, `tests/out/pglite-${key}.tar.gz`);
  await withLock(key, async () => {
    if (fs.existsSync(dump)) return;
    const t = await freshDatabase("pglite");
    await load(t, ids);
    const pglite = t.db.pglite;
    if (!pglite) throw new Error("the PGlite database does not expose its instance");
    const blob = await pglite.dumpDataDir("gzip");
    fs.mkdirSync(path.dirname(dump), { recursive: true });
    fs.writeFileSync(`${dump}.part`, Buffer.from(await blob.arrayBuffer()));
    fs.renameSync(`${dump}.part`, dump);
    await t.drop();
  });
  return freshDatabaseFromDump(dump);
}

/**
 * Marks a new template with the set of connectors it holds, and drops the templates of the same set
 * built from other code (another content key): each change to the connectors or the data would
 * otherwise leave a database of up to 300 MB behind, session after session. A template in use by
 * another run (a copy being made from it) is left for the next time.
 */
async function dropStaleTemplates(admin: pg.Client, ids: string[], template: string): Promise<void> {
  const set = `ogs test template: ${createHash("sha256").update(ids.join(",")).digest("hex").slice(0, 12)}`;
  await admin.query(`comment on database "${template}" is '${set}'`);
  const stale = await admin.query<{ name: string }>(
    `select datname as name from pg_database where shobj_description(oid, 'pg_database') = $1 and datname <> $2`,
    [set, template],
  );
  for (const { name } of stale.rows) await admin.query(`drop database if exists "${name}"`).catch(() => {});
}

async function freshDatabaseFromDump(dump: string): Promise<TestDatabase> {
  const config = loadConfig({ OGS_DATA_DIR: `tests/out/data-${process.pid}` });
  const db = await openDatabase(config, { memory: true, loadDataDir: new Blob([fs.readFileSync(dump)]) });
  return { db, config, drop: () => db.close() };
}
