// npm run bench:scale [-- --sizes 1M,10M,30M --repeat N --within FR --keep --smoke]
//
// A synthetic but realistic source over the real reference tree: every French commune (the
// `territories` connector's level 'commune') x 30 years x up to 10 sectors x 3 gases, values from
// each commune's population, loaded through the hub's engine (runConnector: one transaction that
// also writes the precomputed roll-ups) into a dedicated PostgreSQL database per size, dropped at
// the end. Sizes grow by (sector, gas) pairs: 1 pair is ~1M rows, 10 pairs ~10M, 30 pairs ~31M. The
// questions ask for one fixed pair, so their answers have the same size at every size: one commune's
// series, a department's and a region's roll-up, and the ranking of all communes. Prints the load
// time and each question's median latency, the ratio to the smallest size, and the roll-ups summed
// live (every subtree marked not exact in rollup_territory) for comparison.
import fs from "node:fs";
import path from "node:path";
import {
  bulkWritesBegin,
  bulkWritesEnd,
  EMISSION_COLUMNS,
  emissionRefs,
  loadCanonicalIds,
  upsertSourceSectors,
} from "../connectors/engine/load.ts";
import { ParentSums } from "../connectors/engine/rollups.ts";
import { runConnector } from "../connectors/engine/run.ts";
import { findConnector } from "../connectors/registry.ts";
import type { Connector } from "../connectors/types.ts";
import { openDatabase, useDatabase } from "../db/client.ts";
import {
  benchApiEnv,
  benchConfig,
  benchOut,
  intOption,
  machine,
  median,
  openHub,
  option,
  printTable,
  scratchDatabase,
  smoke,
} from "./lib.ts";

const SOURCE = "synthetic-communes";
const YEARS = Array.from({ length: 30 }, (_, i) => 1991 + i);
/** canonical sectors with no ancestor among them, so that no value covers another */
const SECTORS = ["1.A.1", "1.A.2", "1.A.3", "1.A.4.b", "1.B.1", "2.A.1", "2.B", "3.A", "4.A", "4.D"];
const GASES = ["CO2", "CH4", "N2O"];
/** tonnes per inhabitant and year, by sector (CO2; CH4 and N2O are fractions of it) */
const PER_CAPITA = [1.1, 1.3, 2.0, 0.9, 0.05, 0.25, 0.3, 0.6, 0.2, 0.05];
const GAS_SHARE = [1, 0.004, 0.0002];

interface Params {
  pairs: number;
  within: string;
}

/** Deterministic noise in [0.8, 1.2) from integers. */
function noise(a: number, b: number, c: number): number {
  let h = (a * 73856093) ^ (b * 19349663) ^ (c * 83492791);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return 0.8 + (((h ^ (h >>> 16)) >>> 0) % 10000) / 25000;
}

const synthetic: Connector = {
  id: SOURCE,
  kind: "emissions",
  description: "Synthetic commune inventory for bench/scale.ts: population x sector factors x trend x noise",
  source: {
    name: "Synthetic commune inventory (benchmark)",
    publisher: "OpenGeoScales benchmarks",
    url: "https://example.org/synthetic",
    licence: "CC0-1.0",
    citation: "bench/scale.ts",
    method: "bottom-up",
  },
  inputs: { params: { sample: "synthetic.json", upstream: "https://example.org/synthetic.json" } },
  schedule: "0 0 1 1 *",
  dependsOn: ["territories"],
  async load(ctx) {
    const params = JSON.parse(fs.readFileSync(ctx.files.params.path, "utf8")) as Params;
    const canonical = await loadCanonicalIds(ctx.tx);
    const crosswalk = Object.fromEntries(SECTORS.map((s) => [`Synthetic ${s}`, s]));
    const sourceSectors = await upsertSourceSectors(ctx.tx, SOURCE, crosswalk, canonical.sectors);
    const communes = await ctx.tx.query<{ id: number; population: number | null }>(
      `select t.id, (select i.value from indicator i where i.territory_id = t.id and i.indicator = 'population'
         order by i.year desc limit 1) as population
       from territory t where t.level = 'commune'
         and t.id in (select territory_id from territory_ancestor where ancestor_id = (select id from territory where code = $1))
       order by t.id`,
      [params.within],
    );
    const pairs = Array.from({ length: params.pairs }, (_, i) => ({
      sector: i % SECTORS.length,
      gas: Math.floor(i / SECTORS.length) % GASES.length,
    }));
    const refs = emissionRefs();
    for (const p of pairs) {
      const ss = sourceSectors.get(`Synthetic ${SECTORS[p.sector]}`)!;
      refs.source_sector.add(ss.id);
      refs.sector.add(ss.sectorId);
      refs.gas.add(canonical.gases.get(GASES[p.gas])!);
    }
    for (const c of communes) refs.territory.add(c.id);
    const r = ctx.releaseId;
    const parents = await ParentSums.parentsOf(
      ctx.tx,
      communes.map((c) => c.id),
    );
    // the roll-ups are built from the sums of the rows written (connectors/engine/rollups.ts)
    const row = { sectorId: 0, gasId: 0, gwp: null, year: 0, value: 0 };
    let rows = 0;
    function* blocks(): Generator<string> {
      for (const c of communes) {
        const pop = Number(c.population ?? 500);
        const lines: string[] = [];
        for (const p of pairs) {
          const ss = sourceSectors.get(`Synthetic ${SECTORS[p.sector]}`)!;
          const gas = canonical.gases.get(GASES[p.gas])!;
          for (const y of YEARS) {
            const v =
              pop *
              PER_CAPITA[p.sector] *
              GAS_SHARE[p.gas] *
              (1 - 0.01 * (y - 1991)) *
              noise(c.id, p.sector * 3 + p.gas, y);
            const t = Math.round(v * 1000) / 1000;
            row.sectorId = ss.sectorId;
            row.gasId = gas;
            row.year = y;
            row.value = t;
            ctx.parentSums.add(parents.get(c.id), row);
            lines.push(`${r}\t${c.id}\t${ss.id}\t${ss.sectorId}\t${gas}\t${y}\t${t}\t\\N\t${t}\tt\n`);
          }
        }
        rows += lines.length;
        if (rows % 50_000 < lines.length) ctx.progress(rows);
        yield lines.join("");
      }
    }
    const off = await bulkWritesBegin(ctx.tx);
    await ctx.tx.copyFrom!(`copy emission (${EMISSION_COLUMNS}) from stdin`, blocks());
    if (off) await bulkWritesEnd(ctx.tx, refs);
    return { rowsRead: rows, rowsLoaded: rows, version: `${params.pairs} pairs` };
  },
};

function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(s.trim());
  if (!m) throw new Error(`--sizes: "${s}" is not a row count (1M, 10M, 250k)`);
  return Number(m[1]) * (m[2].toLowerCase() === "m" ? 1e6 : m[2].toLowerCase() === "k" ? 1e3 : 1);
}

interface Question {
  name: string;
  query: string;
}

function questions(commune: string, department: string, region: string, year: number): Question[] {
  const slice = `year: ${year}, sector: "1.A.1", gas: "CO2", source: "${SOURCE}"`;
  return [
    {
      name: `one commune's series (${commune}, 30 years)`,
      query: `{ emissions(territories: ["${commune}"], filter: { sources: ["${SOURCE}"], sectors: ["1.A.1"], gases: ["CO2"] }, first: 100) { totalCount edges { node { year value } } } }`,
    },
    {
      name: `a department's roll-up (${department})`,
      query: `{ territory(code: "${department}") { total(${slice}) { value status coverage { children childrenWithData } } } }`,
    },
    {
      name: `a region's roll-up (${region})`,
      query: `{ territory(code: "${region}") { total(${slice}) { value status coverage { children childrenWithData } } } }`,
    },
    {
      name: "ranking of all communes (top 100)",
      query: `{ rankings(level: "commune", ${slice}, first: 100) { rank value territory { code } } }`,
    },
  ];
}

benchApiEnv();
const { yoga } = await import("../graphql/yoga.ts");

async function ask(query: string): Promise<unknown> {
  const res = await yoga.fetch("http://yoga/graphql", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  const json = (await res.json()) as { data?: unknown; errors?: { message: string }[] };
  if (json.errors?.length) throw new Error(`${query}: ${json.errors.map((e) => e.message).join("; ")}`);
  return json.data;
}

async function latency(query: string, repeat: number): Promise<{ ms: number; answer: string }> {
  let answer = "";
  for (let i = 0; i < 3; i++) answer = JSON.stringify(await ask(query));
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    await ask(query);
    times.push(performance.now() - t0);
  }
  return { ms: median(times), answer };
}

async function main() {
  const within = option("within") ?? (smoke ? "FR-29" : "FR");
  const sizes = (option("sizes") ?? (smoke ? "8k,25k" : "1M,10M,30M")).split(",").map(parseSize);
  const repeat = smoke ? 3 : intOption("repeat", 15);
  console.log(
    `bench:scale${smoke ? " (smoke)" : ""}: communes under ${within}, sizes ${sizes.join(", ")}; ${await machine()}`,
  );
  fs.mkdirSync(benchOut, { recursive: true });

  // the reference tree, loaded once; each size starts from a copy of it
  const template = await scratchDatabase("scale_tpl");
  const dbs: { drop(): Promise<void> }[] = [template];
  try {
    {
      const { db, config } = await openHub(template.url);
      for (const id of ["territories", "gwp"]) {
        const r = await runConnector(db, findConnector(id)!, { config });
        if (r.status !== "succeeded") throw new Error(`${id}: ${r.error}`);
      }
      await db.close();
    }
    const results: { rows: number; loadS: number; rollupRows: number; ms: number[]; liveMs: number[] }[] = [];
    let qs: Question[] = [];
    let first: string[] = [];
    for (const size of sizes) {
      const scratch = await scratchDatabase("scale", template.name);
      dbs.push(scratch);
      const config = benchConfig(scratch.url);
      const db = await openDatabase(config);
      const [{ n: communes }] = await db.query<{ n: number }>(
        `select count(*)::int as n from territory t where level = 'commune' and id in
           (select territory_id from territory_ancestor where ancestor_id = (select id from territory where code = $1))`,
        [within],
      );
      const pairs = Math.max(1, Math.min(SECTORS.length * GASES.length, Math.round(size / (communes * YEARS.length))));
      const paramsFile = path.join(benchOut, `synthetic-${process.pid}-${pairs}.json`);
      fs.writeFileSync(paramsFile, JSON.stringify({ pairs, within } satisfies Params));
      const t0 = performance.now();
      const run = await runConnector(db, synthetic, { config, files: { params: paramsFile }, force: true });
      const loadS = (performance.now() - t0) / 1000;
      if (run.status !== "succeeded") throw new Error(`synthetic load: ${run.error}`);
      await db.query("analyze");
      const [{ n: rollupRows }] = await db.query<{ n: number }>(`select count(*)::int as n from emission_rollup`);
      if (!qs.length) {
        const [pick] = await db.query<{ commune: string; department: string; region: string }>(
          `select c.code as commune, d.code as department, r.code as region from territory c
             join territory d on d.id = c.parent_id join territory r on r.id = d.parent_id
           where c.level = 'commune' and d.code = 'FR-29'
             and exists (select 1 from emission e where e.release_id = $1 and e.territory_id = c.id)
           order by c.code limit 1`,
          [run.releaseId],
        );
        qs = questions(pick.commune, pick.department, pick.region, 2020);
      }
      useDatabase(db);
      const ms: number[] = [];
      const answers: string[] = [];
      for (const q of qs) {
        const r = await latency(q.query, repeat);
        ms.push(r.ms);
        answers.push(r.answer);
      }
      if (!first.length) first = answers;
      // the same answers size after size: the questions' slice does not change with the table
      for (const [i, a] of answers.entries())
        if (a !== first[i])
          throw new Error(`"${qs[i].name}" changed with the size: ${a.slice(0, 200)} vs ${first[i].slice(0, 200)}`);
      // the roll-ups again, summed live from the communes (what the API did before the precomputed roll-ups)
      await db.query(`update rollup_territory set exact = false`);
      const liveMs: number[] = [];
      for (const [i, q] of qs.entries()) {
        if (i !== 1 && i !== 2) continue;
        const r = await latency(q.query, repeat);
        if (r.answer !== answers[i])
          throw new Error(`"${q.name}" differs between precomputed and live: ${r.answer} vs ${answers[i]}`);
        liveMs.push(r.ms);
      }
      useDatabase(undefined);
      await db.close();
      results.push({ rows: run.rowsLoaded, loadS, rollupRows, ms, liveMs });
      console.log(
        `  ${run.rowsLoaded.toLocaleString("en-US")} rows (${pairs} sector x gas pairs) loaded in ${loadS.toFixed(1)} s; ${rollupRows} roll-up rows`,
      );
      if (!process.argv.includes("--keep")) {
        await scratch.drop();
        dbs.pop();
      }
    }
    const base = results[0];
    printTable(
      `Median latency (ms) of ${repeat} requests through the GraphQL API (in process, yoga.fetch); ratio = this size / the smallest`,
      ["question", ...results.flatMap((r) => [`${fmtRows(r.rows)} ms`, "ratio"])],
      [
        [
          "load (s, whole run incl. roll-ups)",
          ...results.flatMap((r) => [r.loadS, `${(r.loadS / base.loadS).toFixed(2)}x`]),
        ],
        ...qs.map((q, i) => [q.name, ...results.flatMap((r) => [r.ms[i], `${(r.ms[i] / base.ms[i]).toFixed(2)}x`])]),
        ...[1, 2].map((qi, j) => [
          `${qs[qi].name}, summed live`,
          ...results.flatMap((r) => [r.liveMs[j], `${(r.liveMs[j] / base.liveMs[j]).toFixed(2)}x`]),
        ]),
      ],
    );
    console.log("\ntarget: largest / smallest <= 1.50x for every question");
  } finally {
    if (process.argv.includes("--keep"))
      console.log(`kept: ${dbs.map((d) => (d as { name?: string }).name).join(", ")}`);
    else for (const d of dbs.reverse()) await d.drop();
  }
}

function fmtRows(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(0)}k` : String(n);
}

await main();
