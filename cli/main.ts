// The operator CLI: `ogs <command>`. Every command opens the database from the configuration,
// does its work and closes it; problems the user can fix print one line and exit non-zero.
import { Command, CommanderError } from "commander";
import { type Config, loadConfig } from "../core/config.ts";
import { UserError } from "../core/errors.ts";
import { nextRun } from "../core/schedule.ts";
import { createKey, type KeyRole, listKeys, revokeKey } from "../db/api-keys.ts";
import { type Database, openDatabase, useDatabase } from "../db/client.ts";
import { migrate, pendingMigrations } from "../db/migrate.ts";
import { seed } from "../db/seed.ts";
import { type IngestOptions, ingestCommand, selectConnectors } from "./ingest.ts";
import { printTable } from "./table.ts";

/** Opens the configured database for one command. The embedded database is migrated on the spot;
 *  a server's database must be migrated explicitly (`ogs migrate`, a deploy step in production). */
async function withDatabase<T>(fn: (db: Database, config: Config) => Promise<T>, migrating = false): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase(config);
  useDatabase(db);
  try {
    if (!migrating) {
      const pending = await pendingMigrations(db);
      if (pending.length && db.driver === "pglite") await migrateAndSeed(db);
      else if (pending.length)
        throw new UserError(`the database lacks ${pending.length} migration(s): run \`ogs migrate\` first`);
    }
    return await fn(db, config);
  } finally {
    await db.close();
  }
}

async function migrateAndSeed(db: Database): Promise<string[]> {
  const applied = await migrate(db);
  await seed(db);
  return applied;
}

const program = new Command("ogs")
  .description("OpenGeoScales hub: greenhouse-gas data connectors and GraphQL API")
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

program
  .command("migrate")
  .description("apply the database migrations not applied yet")
  .action(() =>
    withDatabase(async (db) => {
      const applied = await migrateAndSeed(db);
      console.log(
        applied.length
          ? `applied ${applied.length} migration(s): ${applied.join(", ")}`
          : "database is up to date: no migration to apply",
      );
    }, true),
  );

program
  .command("ingest")
  .description("run connectors: fetch, parse, validate, map and load")
  .argument("[connectors...]", "connector ids (see `ogs connectors`)")
  .option("--all", "run every connector, reference data first")
  .option("--file <path>", "read this file (path or URL) instead of the connector's bundled sample")
  .option("--upstream", "fetch the connectors' upstream URLs instead of the bundled samples")
  .option("--spec <file>", "run the connector described by this JSON spec file (see docs/connectors.md)")
  .option("--force", "publish even a release that looks incomplete next to the previous one")
  .action((ids: string[], options: IngestOptions) => {
    selectConnectors(ids, options); // bad arguments fail before the database is opened
    return withDatabase(async (db, config) => {
      const failed = await ingestCommand(db, config, ids, options);
      if (failed) process.exitCode = 1;
    });
  });

program
  .command("connectors")
  .description("list the connectors with their schedule and last run")
  .action(() =>
    withDatabase(async (db) => {
      const { connectors } = await import("../connectors/registry.ts");
      const last = await db.query<{
        connector: string;
        status: string;
        ended_at: Date | null;
        rows_loaded: number;
        rows_rejected: number;
      }>(
        `select distinct on (connector) connector, status, ended_at, rows_loaded, rows_rejected from run order by connector, started_at desc`,
      );
      const byId = new Map(last.map((r) => [r.connector, r]));
      printTable(
        connectors.map((c) => {
          const r = byId.get(c.id);
          return {
            connector: c.id,
            kind: c.kind,
            schedule: c.schedule,
            "next run (UTC)": nextRun(c.schedule)?.toISOString().slice(0, 16) ?? "",
            "last run": r?.ended_at ? r.ended_at.toISOString().slice(0, 19) : "never",
            status: r?.status ?? "",
            rows: r?.rows_loaded ?? "",
            rejects: r?.rows_rejected ?? "",
          };
        }),
      );
    }),
  );

program
  .command("runs")
  .description("show the latest ingestion runs")
  .option("--connector <id>", "only this connector's runs")
  .option("--limit <n>", "how many runs", "20")
  .action((options: { connector?: string; limit: string }) =>
    withDatabase(async (db) => {
      const rows = await db.query<Record<string, unknown>>(
        `select id as run, connector, status, to_char(started_at, 'YYYY-MM-DD HH24:MI:SS') as started,
           round(extract(epoch from ended_at - started_at)::numeric, 1)::text as seconds,
           rows_read as read, rows_loaded as loaded, rows_unchanged as unchanged, rows_rejected as rejected,
           coalesce(left(error, 80), '') as error
         from run where ($1::text is null or connector = $1) order by id desc limit $2`,
        [options.connector ?? null, positiveInt(options.limit, "--limit")],
      );
      printTable(rows);
    }),
  );

program
  .command("rejects")
  .description("show the rows a run rejected, with file, line, column and reason")
  .argument("<run>", "run id (see `ogs runs`)")
  .option("--limit <n>", "how many rows", "50")
  .action((run: string, options: { limit: string }) =>
    withDatabase(async (db) => {
      const id = positiveInt(run, "run");
      const rows = await db.query<Record<string, unknown>>(
        `select file, line, coalesce("column", '') as column, reason from rejected_row where run_id = $1 order by id limit $2`,
        [id, positiveInt(options.limit, "--limit")],
      );
      const [{ n }] = await db
        .query<{ n: number }>(`select rows_rejected as n from run where id = $1`, [id])
        .then((r) => (r.length ? r : Promise.reject(new UserError(`no run ${id}: see \`ogs runs\``))));
      printTable(rows);
      console.log(`${n} row(s) rejected in run ${id}${n > rows.length ? `, ${rows.length} shown` : ""}`);
    }),
  );

const keys = program.command("keys").description("API keys for admin operations and partners");
keys
  .command("create")
  .description("create a key and print it (shown once; only its hash is stored)")
  .argument("<name>", "who the key is for")
  .option("--role <role>", "admin (trigger runs, releases) or partner (higher rate limits)", "partner")
  .action((name: string, options: { role: KeyRole }) =>
    withDatabase(async (db) => {
      const token = await createKey(db, name, options.role);
      console.log(token);
      console.error(`key "${name}" (${options.role}) created: store it now, it cannot be shown again`);
    }),
  );
keys
  .command("list")
  .description("list the keys (prefixes only), with their use")
  .action(() => withDatabase(async (db) => printTable(await listKeys(db))));
keys
  .command("revoke")
  .description("revoke a key at once")
  .argument("<name>")
  .action((name: string) =>
    withDatabase(async (db) => {
      await revokeKey(db, name);
      console.log(`key "${name}" revoked`);
    }),
  );

program
  .command("serve")
  .description("serve the GraphQL API (and the dashboard) on the database as it is")
  .option("--port <n>", "port (default $PORT or 4000)")
  .action(async (options: { port?: string }) => {
    const config = loadConfig();
    // lazy: the server starts even while the database is away; requests answer DATABASE_UNAVAILABLE
    // (HTTP 503) until it is back, then are served again, with no restart
    const db = await openDatabase(config, { lazy: true });
    useDatabase(db);
    if (db.driver === "pglite" && (await pendingMigrations(db)).length) await migrateAndSeed(db);
    const { serve } = await import("../server/serve.ts");
    const { url } = await serve(options.port ? positiveInt(options.port, "--port") : config.port);
    console.log(`GraphQL API on ${url}/graphql`);
    await db.query("select 1").catch((e: Error) => {
      console.error(
        `ogs: the database does not answer (${e.message || (e as NodeJS.ErrnoException).code}): serving anyway, requests fail with DATABASE_UNAVAILABLE until it is back`,
      );
    });
  });

program
  .command("start")
  .description("migrate, serve, then load the reference data and bundled samples not loaded yet, and schedule")
  .option("--port <n>", "port (default $PORT or 4000)")
  .action(async (options: { port?: string }) => {
    const started = Date.now();
    const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
    const config = loadConfig();
    const db = await openDatabase(config);
    useDatabase(db);
    const applied = await migrateAndSeed(db);
    if (applied.length) console.log(`applied ${applied.length} migration(s)`);
    // serve first: each source appears as its release is published (one transaction each), so the
    // API and the dashboard answer while the first start loads the bundled samples
    const { serve } = await import("../server/serve.ts");
    const { url } = await serve(options.port ? positiveInt(options.port, "--port") : config.port);
    console.log(`serving after ${seconds()} s: dashboard on ${url}/, GraphQL API on ${url}/graphql`);
    await ingestCommand(db, config, [], { all: true });
    console.log(`every bundled source loaded after ${seconds()} s`);
    if (process.env.OGS_SCHEDULER !== "off") {
      const { connectors } = await import("../connectors/registry.ts");
      const { startScheduler } = await import("../connectors/engine/scheduler.ts");
      startScheduler(db, config, connectors, (s) =>
        console.log(`scheduled run ${s.runId} of ${s.connector}: ${s.status}${s.error ? ` (${s.error})` : ""}`),
      );
      console.log("local scheduler on: each connector runs on its schedule (OGS_SCHEDULER=off to disable)");
    }
  });

function positiveInt(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`${what} must be a non-negative integer, got "${value}"`);
  return n;
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else if (e instanceof UserError) {
    console.error(`ogs: ${e.message}`);
    process.exitCode = 1;
  } else {
    console.error(`ogs: ${(e as Error).message}`);
    if (process.env.OGS_DEBUG) console.error((e as Error).stack);
    process.exitCode = 1;
  }
}
