// Runs one connector: extract every input into the raw lake, skip when this content is already a
// release, otherwise load it in one transaction that publishes a complete release or nothing.
// Every run is recorded, with its rejected rows.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Config } from "../../core/config.ts";
import type { Database, Sql } from "../../db/client.ts";
import type { Connector, RawFile, Reject } from "../types.ts";
import { emitPublish } from "./events.ts";
import { type Extracted, extract } from "./extract.ts";
import { incompleteness } from "./history-guard.ts";
import { type RawStore, rawStoreFor } from "./raw-store.ts";
import { buildRollups, ParentSums } from "./rollups.ts";

/** Folder of the bundled sample files */
export const sampleDir = path.join(import.meta.dirname, "../../data");

/** The tables an emissions run writes, and those a reference run may write (vacuumed or analyzed after the run). */
const EMISSION_TABLES = ["emission", "emission_rollup", "rollup_territory", "source_sector", "indicator", "release"];
const REFERENCE_TABLES = [
  "territory",
  "territory_identifier",
  "territory_ancestor",
  "group_member",
  "indicator",
  "gas",
  "gwp_value",
  "release",
];

/**
 * Fresh planner statistics for the tables the run wrote. PGlite has no autovacuum, and a query
 * planned on an empty table's statistics is seconds slower (France's total: 2.4 s before, 17 ms
 * after): there every run (or batch of runs, runConnectors) analyzes. PostgreSQL's autovacuum
 * analyzes and vacuums within a minute or so anyway; a run or a batch does it there only when it grew
 * the emission table by more than a tenth (autovacuum's own rule), so that a large release is planned
 * well from the moment it is published, and its pages are marked all-visible: a ranking of 35,000
 * communes is then read from the slice index alone (emission_slice_idx) instead of from pages spread
 * over the whole table.
 */
async function refreshStatistics(database: Database, kind: Connector["kind"], rows: number): Promise<void> {
  const tables = (kind === "emissions" ? EMISSION_TABLES : REFERENCE_TABLES).join(", ");
  if (database.driver === "pglite") {
    await database.query(`analyze ${tables}`);
    return;
  }
  if (kind === "emissions") {
    const [{ n }] = await database.query<{ n: number }>(
      `select greatest(reltuples, 0)::float8 as n from pg_class where oid = 'emission'::regclass`,
    );
    if (rows <= Number(n) / 10) return;
  }
  await database.query(`vacuum (analyze) ${tables}`);
}

/** At most this many rejected rows are stored per run; all are counted. */
const MAX_STORED_REJECTS = 10_000;

export interface RunOptions {
  config: Config;
  /** input name -> location (path, file:// or http(s) URL), overriding the bundled sample */
  files?: Record<string, string>;
  /** read the connector's upstream URLs instead of the bundled samples */
  upstream?: boolean;
  store?: RawStore;
  /** publish even when the release looks incomplete next to the previous one */
  force?: boolean;
  /** what started the run, recorded with it */
  trigger?: "cli" | "schedule" | "api" | "test";
  /** false: leave the planner's statistics to the caller (runConnectors refreshes them once per batch) */
  statistics?: boolean;
  onProgress?: (rowsRead: number) => void;
}

export interface RunSummary {
  runId: number;
  connector: string;
  status: "succeeded" | "unchanged" | "failed";
  releaseId?: number;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  /** identical duplicate rows of the file, loaded once */
  rowsDuplicate?: number;
  error?: string;
  ms: number;
}

export class RunError extends Error {
  override name = "RunError";
}

export async function runConnector(database: Database, connector: Connector, options: RunOptions): Promise<RunSummary> {
  const started = Date.now();
  const store = options.store ?? rawStoreFor(options.config);
  await upsertSource(database, connector);
  const [{ id: runId }] = await database.query<{ id: number }>(
    `insert into run (connector, status, trigger) values ($1, 'running', $2) returning id`,
    [connector.id, options.trigger ?? "cli"],
  );
  const rejects: Reject[] = [];
  let rejected = 0;
  const summary: RunSummary = {
    runId,
    connector: connector.id,
    status: "failed",
    rowsRead: 0,
    rowsLoaded: 0,
    rowsRejected: 0,
    ms: 0,
  };
  let rawHash: string | undefined;
  let rawUri: string | undefined;
  let httpEtag: string | null = null;
  let httpLastModified: string | null = null;
  try {
    const fetched = await extractInputs(database, connector, options, store);
    if (fetched === "not-modified") {
      summary.status = "unchanged";
      await database.query(`update run set status = 'unchanged', ended_at = now() where id = $1`, [runId]);
      return { ...summary, ms: Date.now() - started };
    }
    faultPoint("fetch");
    const files = fetched.files;
    httpEtag = JSON.stringify(fetched.etags);
    httpLastModified = JSON.stringify(fetched.lastModified);
    const names = Object.keys(files).sort();
    rawHash =
      names.length === 1
        ? files[names[0]].sha256
        : createHash("sha256")
            .update(names.map((n) => `${n}:${files[n].sha256}`).join("\n"))
            .digest("hex");
    rawUri = names.map((n) => files[n].uri).join(" ");
    const existing = await database.query<{ id: number; row_count: number }>(
      `select id, row_count from release where source_id = $1 and raw_hash = $2`,
      [connector.id, rawHash],
    );
    if (existing.length) {
      summary.status = "unchanged";
      summary.releaseId = existing[0].id;
      await database.query(
        `update run set status = 'unchanged', ended_at = now(), raw_hash = $2, raw_uri = $3, rows_unchanged = $4,
           http_etag = $5, http_last_modified = $6 where id = $1`,
        [runId, rawHash, rawUri, existing[0].row_count, httpEtag, httpLastModified],
      );
      return { ...summary, ms: Date.now() - started };
    }
    const hash = rawHash;
    const uri = rawUri;
    const result = await database.transaction(async (tx) => {
      const [lock] = await tx.query<{ ok: boolean }>(`select pg_try_advisory_xact_lock(hashtext($1)) as ok`, [
        `ogs:connector:${connector.id}`,
      ]);
      if (!lock.ok) throw new RunError(`another run of ${connector.id} is loading right now; try again when it ends`);
      const [{ id: releaseId }] = await tx.query<{ id: number }>(
        `insert into release (source_id, version, raw_hash, raw_uri, retrieved_at, row_count, run_id)
         values ($1, $2, $3, $4, now(), 0, $5) returning id`,
        [connector.id, hash.slice(0, 12), hash, uri, runId],
      );
      const parentSums = new ParentSums();
      const loaded = await connector.load({
        tx,
        files,
        runId,
        releaseId,
        parentSums,
        reject(r) {
          rejected++;
          // raw cut now: 10,000 rejects of 100,000-character lines would hold a gigabyte
          if (rejects.length < MAX_STORED_REJECTS)
            rejects.push(r.raw && r.raw.length > 1000 ? { ...r, raw: copy(r.raw.slice(0, 1000)) } : r);
        },
        progress: (n) => {
          faultPoint("load");
          options.onProgress?.(n);
        },
      });
      summary.rowsRead = loaded.rowsRead;
      const threshold = connector.rejectThreshold ?? 0.05;
      if (loaded.rowsRead > 0 && rejected / loaded.rowsRead > threshold) {
        throw new RunError(
          `${rejected} of ${loaded.rowsRead} rows rejected (${pct(rejected / loaded.rowsRead)}), above the threshold of ${pct(threshold)}: nothing published`,
        );
      }
      if (loaded.rowsRead === 0)
        throw new RunError(`no rows read from ${names.map((n) => files[n].location).join(", ")}`);
      if (connector.kind === "emissions" && !options.force) {
        const problem = await incompleteness(tx, connector.id, releaseId, loaded.rowsLoaded);
        if (problem) {
          throw new RunError(
            `incomplete next to the release it would replace: ${problem}; nothing published (--force publishes it anyway)`,
          );
        }
      }
      // the precomputed roll-ups of the release, in the same transaction: published with it or not at all
      if (connector.kind === "emissions") await buildRollups(tx, releaseId, parentSums);
      await tx.query(
        `update release set row_count = $2, version = coalesce($3, version), published_on = $4 where id = $1`,
        [releaseId, loaded.rowsLoaded, loaded.version ?? null, loaded.publishedOn ?? null],
      );
      faultPoint("publish");
      return { releaseId, ...loaded };
    });
    if (options.statistics !== false) await refreshStatistics(database, connector.kind, result.rowsLoaded);
    Object.assign(summary, {
      status: "succeeded",
      releaseId: result.releaseId,
      rowsLoaded: result.rowsLoaded,
      rowsDuplicate: result.rowsDuplicate,
    });
    emitPublish({ source: connector.id, releaseId: result.releaseId, kind: "published" }); // committed: caches forget
  } catch (e) {
    summary.status = "failed";
    summary.error = (e as Error).message;
  }
  summary.rowsRejected = rejected;
  try {
    await saveRejects(database, runId, rejects);
  } catch (e) {
    // the run is recorded whatever its rejects hold (the release, if any, is committed already)
    summary.error = `${summary.error ? `${summary.error}; ` : ""}the rejected rows could not be stored: ${(e as Error).message}`;
  }
  await database.query(
    `update run set status = $2, ended_at = now(), raw_hash = $3, raw_uri = $4, rows_read = $5, rows_loaded = $6,
       rows_rejected = $7, error = $8, http_etag = $9, http_last_modified = $10 where id = $1`,
    [
      runId,
      summary.status,
      rawHash ?? null,
      rawUri ?? null,
      summary.rowsRead,
      summary.rowsLoaded,
      rejected,
      summary.error === undefined ? null : pgText(summary.error),
      summary.status === "succeeded" ? httpEtag : null,
      summary.status === "succeeded" ? httpLastModified : null,
    ],
  );
  return { ...summary, ms: Date.now() - started };
}

/**
 * Emissions runs at a time in `ogs ingest --all` on PostgreSQL. A run keeps Node busy while it parses
 * and maps, and PostgreSQL busy while it writes, rolls up and analyzes; two at a time, one run's
 * parsing goes on while the other's database work does (2 cores: 30% less wall-clock for the bundled
 * sources). Each run is still its own transaction: every release is published whole or not at all.
 */
export const EMISSIONS_CONCURRENCY = 2;

/**
 * Runs connectors in the order given and returns their summaries in that order. A reference
 * connector runs alone, once every run before it has ended (the emissions connectors read what it
 * writes); the emissions connectors between two reference ones run `concurrency` at a time, those
 * with the largest bundled samples first. PGlite has one connection, on which a transaction
 * excludes every other statement: there, one run at a time, in order. `optionsFor` is called when a
 * connector's run starts, `onEnd` when it ends.
 */
export async function runConnectors(
  database: Database,
  list: Connector[],
  optionsFor: (connector: Connector) => RunOptions,
  onEnd?: (summary: RunSummary, connector: Connector) => void,
  concurrency = EMISSIONS_CONCURRENCY,
): Promise<RunSummary[]> {
  const summaries: RunSummary[] = [];
  const runAt = async (i: number, options: Partial<RunOptions> = {}) => {
    summaries[i] = await runConnector(database, list[i], { ...optionsFor(list[i]), ...options });
    onEnd?.(summaries[i], list[i]);
  };
  // one at a time as well when a connector is named twice: its second run must find the first one's release
  const distinct = new Set(list.map((c) => c.id)).size === list.length;
  const limit = database.driver === "pglite" || !distinct ? 1 : Math.max(1, concurrency);
  for (let i = 0; i < list.length; ) {
    if (list[i].kind !== "emissions") {
      await runAt(i++);
      continue;
    }
    let end = i;
    while (end < list.length && list[end].kind === "emissions") end++;
    // the largest first, so that the runs in parallel end together instead of one large run alone at the end
    const queue = Array.from({ length: end - i }, (_, k) => i + k);
    if (limit > 1) queue.sort((a, b) => sampleBytes(list[b]) - sampleBytes(list[a]));
    const worker = async () => {
      for (let k = queue.shift(); k !== undefined; k = queue.shift()) await runAt(k, { statistics: false });
    };
    const workers = await Promise.allSettled(Array.from({ length: Math.min(limit, end - i) }, worker));
    // the statistics once for the batch: a vacuum per release was a second of a full load's 9
    const loaded = summaries.slice(i, end).reduce((n, s) => n + (s?.status === "succeeded" ? s.rowsLoaded : 0), 0);
    if (loaded) await refreshStatistics(database, "emissions", loaded);
    const failed = workers.find((w) => w.status === "rejected");
    if (failed) throw failed.reason;
    i = end;
  }
  return summaries;
}

/** Bytes of a connector's bundled sample files: how long its run is likely to be, next to the others. */
function sampleBytes(connector: Connector): number {
  let bytes = 0;
  for (const input of Object.values(connector.inputs)) {
    try {
      bytes += fs.statSync(path.join(sampleDir, input.sample)).size;
    } catch {
      // no bundled sample: counts for nothing
    }
  }
  return bytes;
}

/** Extracts every input. Reading upstream, the validators of the last good run are sent; when every
 *  input answers 304 Not Modified, nothing is downloaded. */
async function extractInputs(database: Database, connector: Connector, options: RunOptions, store: RawStore) {
  const tmpDir = path.join(options.config.dataDir, "tmp");
  const names = Object.keys(connector.inputs);
  const locations = names.map((name) => {
    const input = connector.inputs[name];
    if (options.files?.[name]) return options.files[name];
    if (!options.upstream) return path.join(sampleDir, input.sample);
    const mirror = options.config.upstreamMirror;
    return mirror ? `${mirror.replace(/\/$/, "")}/${connector.id}/${path.basename(input.sample)}` : input.upstream;
  });
  const previous = await database.query<{ http_etag: string | null; http_last_modified: string | null }>(
    `select http_etag, http_last_modified from run where connector = $1 and status in ('succeeded', 'unchanged')
       and http_etag is not null order by id desc limit 1`,
    [connector.id],
  );
  const etags: Record<string, string | undefined> = JSON.parse(previous[0]?.http_etag ?? "{}");
  const lastModified: Record<string, string | undefined> = JSON.parse(previous[0]?.http_last_modified ?? "{}");
  const conditional =
    options.upstream && !options.files && Object.keys(etags).length + Object.keys(lastModified).length > 0;
  const extractAll = async (withValidators: boolean) => {
    const out: Extracted[] = [];
    for (const [i, name] of names.entries()) {
      const validators = withValidators ? { etag: etags[name], lastModified: lastModified[name] } : undefined;
      out.push(
        await extract(name, locations[i], { store, tmpDir, validators, timeoutMs: options.config.fetchTimeoutMs }),
      );
    }
    return out;
  };
  let results = await extractAll(!!conditional);
  if (results.every((r) => r === "not-modified")) return "not-modified" as const;
  if (results.some((r) => r === "not-modified")) results = await extractAll(false); // one changed: read them all
  const files: Record<string, RawFile> = {};
  const newEtags: Record<string, string | undefined> = {};
  const newLastModified: Record<string, string | undefined> = {};
  for (const r of results) {
    if (r === "not-modified") continue;
    const { validators, ...file } = r;
    files[file.name] = file;
    newEtags[file.name] = validators.etag;
    newLastModified[file.name] = validators.lastModified;
  }
  return { files, etags: newEtags, lastModified: newLastModified };
}

async function upsertSource(sql: Sql, c: Connector) {
  const s = c.source;
  await sql.query(
    `insert into source (id, name, publisher, url, licence, citation, method) values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (id) do update set name = $2, publisher = $3, url = $4, licence = $5, citation = $6, method = $7`,
    [c.id, s.name, s.publisher, s.url, s.licence, s.citation, s.method],
  );
}

async function saveRejects(sql: Sql, runId: number, rejects: Reject[]) {
  for (let i = 0; i < rejects.length; i += 2000) {
    const batch = rejects.slice(i, i + 2000);
    await sql.query(
      `insert into rejected_row (run_id, file, line, "column", reason, raw)
       select $1, * from unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[])`,
      [
        runId,
        batch.map((r) => pgText(r.file)),
        batch.map((r) => r.line),
        batch.map((r) => (r.column === undefined ? null : pgText(r.column))),
        batch.map((r) => pgText(r.reason)),
        batch.map((r) => (r.raw === undefined ? null : pgText(r.raw))),
      ],
    );
  }
}

/** Crash tests kill the process at a named point of a run (OGS_FAULT_KILL_AT=fetch|load|publish). */
function faultPoint(name: "fetch" | "load" | "publish") {
  if (process.env.OGS_FAULT_KILL_AT === name) process.kill(process.pid, "SIGKILL");
}

/** Text as a PostgreSQL text column takes it: a NUL byte (a file may hold one) written \u0000. */
const pgText = (s: string) => (s.includes("\u0000") ? s.replaceAll("\u0000", "\\u0000") : s);

/** A string that holds no reference to the larger one it was cut from. */
const copy = (s: string) => Buffer.from(s, "utf8").toString("utf8");

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
