// npm run bench:ingest [-- --repeat N --pglite-repeat N --no-pglite --smoke]
//
// Loads every bundled source (connectors/registry.ts, through runConnectors as `ogs ingest --all`
// does: emissions connectors two at a time on PostgreSQL; files parsed, mapped and loaded as in
// production) into a fresh database and reports rows/s per connector and overall (wall-clock);
// then loads the same normalised emission rows with COPY into an identical empty table (same
// columns, primary key and indexes: `like emission including all`) and prints hub / COPY.
// On PostgreSQL the reference is COPY FROM STDIN (pg-copy-streams); on PGlite, COPY FROM
// '/dev/blob' and batched unnest inserts of the same rows, whichever is faster.
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { EMISSIONS_CONCURRENCY, type runConnector, runConnectors } from "../connectors/engine/run.ts";
import { connectors } from "../connectors/registry.ts";
import type { Connector } from "../connectors/types.ts";
import type { Database } from "../db/client.ts";
import { intOption, machine, median, openHub, printTable, ratio, scratchDatabase, smoke } from "./lib.ts";

const SMOKE_CONNECTORS = ["territories", "gwp", "gcp"];
const COLUMNS =
  "release_id, territory_id, source_sector_id, sector_id, gas_id, year, value, gwp, original_value, original_unit";

interface HubRun {
  perConnector: Map<string, { rows: number; ms: number; kind: Connector["kind"] }>;
  emissionRows: number;
  emissionMs: number;
}

/**
 * Every connector through runConnectors, the code path of `ogs ingest --all`: reference connectors
 * one at a time, then the emissions connectors two at a time on PostgreSQL (one at a time on
 * PGlite). A connector's ms is its own run, start to end (on PostgreSQL two runs overlap, so these
 * do not add up); the emissions' time is the wall-clock from the first emissions run's start to the
 * last one's end.
 */
async function loadAll(db: Database, config: Parameters<typeof runConnector>[2]["config"], list: Connector[]) {
  const perConnector: HubRun["perConnector"] = new Map();
  const started = new Map<string, number>();
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  let emissionRows = 0;
  await runConnectors(
    db,
    list,
    (c) => {
      started.set(c.id, performance.now());
      return { config, trigger: "cli" };
    },
    (r, c) => {
      const end = performance.now();
      if (r.status !== "succeeded") throw new Error(`${c.id}: ${r.status} ${r.error ?? ""}`);
      perConnector.set(c.id, { rows: r.rowsLoaded, ms: end - started.get(c.id)!, kind: c.kind });
      if (c.kind === "emissions") {
        emissionRows += r.rowsLoaded;
        first = Math.min(first, started.get(c.id)!);
        last = Math.max(last, end);
      }
    },
  );
  return { perConnector, emissionRows, emissionMs: emissionRows ? last - first : 0 };
}

/** The emission rows of a database as CSV (the normalised rows the hub wrote). */
async function exportCsv(url: string): Promise<{ csv: Buffer; rows: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const chunks: Buffer[] = [];
  try {
    const stream = client.query(copyTo(`copy (select ${COLUMNS} from emission) to stdout with (format csv)`));
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const [{ n }] = (await client.query<{ n: number }>("select count(*)::int as n from emission")).rows;
    return { csv: Buffer.concat(chunks), rows: n };
  } finally {
    await client.end();
  }
}

/** COPY FROM STDIN of the CSV into an empty copy of the emission table; ms of the COPY alone. */
async function copyPg(url: string, csv: Buffer): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("drop table if exists emission_copy");
    await client.query("create table emission_copy (like emission including all)");
    const t0 = performance.now();
    const sink = client.query(copyFrom(`copy emission_copy (${COLUMNS}) from stdin with (format csv)`));
    const chunkSize = 1 << 20;
    async function* chunks() {
      for (let i = 0; i < csv.length; i += chunkSize) yield csv.subarray(i, i + chunkSize);
    }
    await pipeline(chunks, sink);
    const ms = performance.now() - t0;
    await client.query("drop table emission_copy");
    return ms;
  } finally {
    await client.end();
  }
}

interface Row {
  release_id: number;
  territory_id: number;
  source_sector_id: number;
  sector_id: number;
  gas_id: number;
  year: number;
  value: number;
  gwp: string | null;
  original_value: number;
  original_unit: string;
}

/** PGlite: COPY FROM '/dev/blob', then the same rows in unnest batches; ms of each. */
async function copyPglite(db: Database, csv: Buffer): Promise<{ copyMs: number; unnestMs: number }> {
  const pglite = db.pglite!;
  await pglite.exec("drop table if exists emission_copy; create table emission_copy (like emission including all)");
  let t0 = performance.now();
  await pglite.query(`copy emission_copy (${COLUMNS}) from '/dev/blob' with (format csv)`, [], {
    blob: new Blob([new Uint8Array(csv)]),
  });
  const copyMs = performance.now() - t0;
  const rows = (await pglite.query<Row>(`select ${COLUMNS} from emission`)).rows;
  await pglite.exec("truncate emission_copy");
  t0 = performance.now();
  for (let i = 0; i < rows.length; i += 5000) {
    const b = rows.slice(i, i + 5000);
    await pglite.query(
      `insert into emission_copy (${COLUMNS}) select * from unnest($1::int[], $2::int[], $3::int[], $4::int[],
         $5::int[], $6::int[], $7::float8[], $8::text[], $9::float8[], $10::text[])`,
      [
        b.map((r) => r.release_id),
        b.map((r) => r.territory_id),
        b.map((r) => r.source_sector_id),
        b.map((r) => r.sector_id),
        b.map((r) => r.gas_id),
        b.map((r) => r.year),
        b.map((r) => r.value),
        b.map((r) => r.gwp),
        b.map((r) => r.original_value),
        b.map((r) => r.original_unit),
      ],
    );
  }
  const unnestMs = performance.now() - t0;
  await pglite.exec("drop table emission_copy");
  return { copyMs, unnestMs };
}

async function pgliteCsv(db: Database): Promise<Buffer> {
  const ret = await db.pglite!.query(`copy (select ${COLUMNS} from emission) to '/dev/blob' with (format csv)`);
  return Buffer.from(await (ret.blob as Blob).arrayBuffer());
}

const rate = (rows: number, ms: number) => (rows / ms) * 1000;

async function main() {
  const repeat = smoke ? 1 : intOption("repeat", 3);
  const pgliteRepeat = smoke ? 1 : intOption("pglite-repeat", 1);
  const list = smoke ? connectors.filter((c) => SMOKE_CONNECTORS.includes(c.id)) : connectors;
  console.log(`bench:ingest${smoke ? " (smoke)" : ""}: ${list.length} connectors; ${await machine()}`);

  // PostgreSQL: the hub, `repeat` times on fresh databases, then COPY of the same rows `repeat` times.
  const hubRuns: HubRun[] = [];
  let csv: Buffer | undefined;
  let copyRows = 0;
  const copyMs: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const scratch = await scratchDatabase("ingest");
    try {
      const { db, config } = await openHub(scratch.url);
      try {
        hubRuns.push(await loadAll(db, config, list));
      } finally {
        await db.close();
      }
      if (!csv) ({ csv, rows: copyRows } = await exportCsv(scratch.url));
      copyMs.push(await copyPg(scratch.url, csv));
    } finally {
      await scratch.drop();
    }
  }
  // the emission table's rows (the connectors' rowsLoaded also count the indicators some of them write)
  const hubRows = copyRows;
  if (hubRuns[0].emissionRows < hubRows)
    throw new Error(`hub reported ${hubRuns[0].emissionRows} rows, the table holds ${hubRows}`);
  const hubMs = median(hubRuns.map((r) => r.emissionMs));
  const pgCopyMs = median(copyMs);

  printTable(
    `PostgreSQL: the hub's loader per connector (median of ${repeat}; rows = rows loaded, time = the whole run: extract, parse, map, load, publish; emissions runs ${EMISSIONS_CONCURRENCY} at a time as in \`ogs ingest --all\`, so their times overlap)`,
    ["connector", "kind", "rows", "ms", "rows/s"],
    list.map((c) => {
      const runs = hubRuns.map((r) => r.perConnector.get(c.id)!);
      const ms = median(runs.map((r) => r.ms));
      return [c.id, c.kind, runs[0].rows, ms, rate(runs[0].rows, ms)];
    }),
  );

  // PGlite: the hub's loader, COPY FROM /dev/blob, and unnest batches of the same rows.
  const pgliteRows: [string, number, number, number][] = [];
  let pgliteHub: number[] = [];
  let pgliteCopy: number[] = [];
  let pgliteUnnest: number[] = [];
  if (!process.argv.includes("--no-pglite")) {
    for (let i = 0; i < pgliteRepeat; i++) {
      const { db, config } = await openHub(undefined);
      try {
        // smoke: the hub's loader on the reference GWP table only; the COPY paths on the PostgreSQL rows
        const run = await loadAll(db, config, smoke ? list.filter((c) => c.id === "gwp") : list);
        pgliteHub.push(run.emissionMs);
        const r = await copyPglite(db, smoke ? csv! : await pgliteCsv(db));
        pgliteCopy.push(r.copyMs);
        pgliteUnnest.push(r.unnestMs);
      } finally {
        await db.close();
      }
    }
    const best = Math.min(median(pgliteCopy), median(pgliteUnnest));
    pgliteRows.push(["PGlite", median(pgliteHub), median(pgliteCopy), median(pgliteUnnest)]);
    pgliteHub = [median(pgliteHub)];
    pgliteCopy = [median(pgliteCopy)];
    pgliteUnnest = [best];
  }

  const rows: (string | number)[][] = [
    ["PostgreSQL", hubRows, rate(hubRows, hubMs), rate(hubRows, pgCopyMs), "COPY FROM STDIN", ratio(pgCopyMs, hubMs)],
  ];
  for (const [name, hub, copy, unnest] of pgliteRows) {
    // smoke: PGlite's own emission table is empty, so its unnest batches time nothing
    const bestMs = smoke ? copy : Math.min(copy, unnest);
    rows.push([
      name,
      hubRows,
      smoke ? "- (smoke)" : rate(hubRows, hub),
      rate(hubRows, bestMs),
      copy === bestMs
        ? `COPY /dev/blob (unnest ${Math.round(rate(hubRows, unnest))}/s)`
        : `unnest batches (COPY ${Math.round(rate(hubRows, copy))}/s)`,
      smoke ? "-" : ratio(bestMs, hub),
    ]);
  }
  printTable(
    `Overall, emission rows: the hub (wall-clock of every emissions connector, end to end, through runConnectors as \`ogs ingest --all\` runs them: ${EMISSIONS_CONCURRENCY} at a time on PostgreSQL, one at a time on PGlite) against the database's fastest bulk path for the same normalised rows`,
    ["database", "rows", "hub rows/s", "reference rows/s", "reference", "hub/reference"],
    rows,
  );
  const runsMs = median(
    hubRuns.map((r) => [...r.perConnector.values()].reduce((n, c) => n + (c.kind === "emissions" ? c.ms : 0), 0)),
  );
  console.log(
    `\nPostgreSQL, emissions connectors: wall-clock ${Math.round(hubMs)} ms (${EMISSIONS_CONCURRENCY} runs at a time); their runs' own times add up to ${Math.round(runsMs)} ms`,
  );
  console.log("target: hub/reference >= 0.50x on PostgreSQL");
}

await main();
