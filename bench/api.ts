// npm run bench:api [-- --duration S --connections N --repeat N --only TEXT --smoke]
//
// Loads the sources the questions need into a fresh PostgreSQL database, starts the hub's server
// (server/serve.ts) and PostGraphile v5 (Amber preset over the same tables) each in its own
// process, and drives them one at a time from autocannon on loopback (bounded in time and in
// requests) with the same four questions, each asked in its server's idiom: PostGraphile gets the
// rows through its generated CRUD fields and leaves sums and ranks to the client (no aggregate
// plugin for v5 is published), the hub answers with its own fields. Prints requests/s, p50 and p99
// per side, hub/PostGraphile, and the hub's SQL statements per request.
import { type ChildProcess, fork } from "node:child_process";
import path from "node:path";
import autocannon from "autocannon";
import { runConnector } from "../connectors/engine/run.ts";
import { findConnector } from "../connectors/registry.ts";
import { RANDOM_PAGE_COST } from "../db/client.ts";
import { intOption, machine, median, openHub, option, printTable, scratchDatabase, smoke } from "./lib.ts";

const SOURCES = smoke ? ["territories", "gwp", "gcp"] : ["territories", "gwp", "gcp", "edgar", "owid", "openghgmap"];

interface Question {
  name: string;
  hub: { query: string };
  pgl: { query: string; variables: Record<string, unknown> };
  /** a non-empty answer, checked once per side before the load */
  check(data: unknown): boolean;
}

interface Ids {
  release: Record<string, number>;
  totalSector: number;
}

function questions(ids: Ids): Question[] {
  const nested = smoke ? "gcp" : "edgar";
  const dept = smoke ? "gcp" : "openghgmap";
  const rel = (s: string) => ids.release[s];
  const has = (path: (d: Record<string, unknown>) => unknown) => (d: unknown) => {
    try {
      const v = path(d as Record<string, unknown>);
      return Array.isArray(v) ? v.length > 0 : v != null;
    } catch {
      return false;
    }
  };
  // biome-ignore lint/suspicious/noExplicitAny: the checks walk JSON answers whose shape the query fixes
  type J = any;
  return [
    {
      name: "series: FR, gcp, every sector, gas and year",
      hub: {
        query: `{ territory(code: "FR") { code sectors(source: "gcp") { sector { code } gases { gas { code } gwp series { year value } } } } }`,
      },
      pgl: {
        query: `query ($r: Int!) { allTerritories(condition: { code: "FR" }) { nodes { code
          emissionsByTerritoryId(condition: { releaseId: $r }) { nodes { year value gwp sectorBySectorId { code } gasByGasId { code } } } } } }`,
        variables: { r: rel("gcp") },
      },
      check: has((d: J) => d.territory?.sectors ?? d.allTerritories.nodes[0].emissionsByTerritoryId.nodes),
    },
    {
      name: `nested: EU27 members -> sectors -> gases, ${nested}, 2018`,
      hub: {
        query: `{ territory(code: "EU27") { members { code sectors(source: "${nested}", year: 2018) { sector { code } gases { gas { code } gwp series { year value } } } } } }`,
      },
      pgl: {
        query: `query ($r: Int!) { allTerritories(condition: { code: "EU27" }) { nodes { groupMembersByGroupId { nodes {
          territoryByMemberId { code emissionsByTerritoryId(condition: { releaseId: $r, year: 2018 }) {
            nodes { value gwp sectorBySectorId { code } gasByGasId { code } } } } } } } } }`,
        variables: { r: rel(nested) },
      },
      check: has((d: J) => d.territory?.members ?? d.allTerritories.nodes[0].groupMembersByGroupId.nodes),
    },
    {
      name: `totals of France's departments, ${dept}, 2018`,
      hub: {
        query: `{ territory(code: "FR") { descendants(level: "adm2", first: 200) { edges { node { code total(year: 2018, source: "${dept}") { value status } } } } } }`,
      },
      pgl: {
        // departments sit two levels under FR (FR > region > department); the client sums and keeps level adm2
        query: `query ($r: Int!, $s: Int!) { allTerritories(condition: { code: "FR" }) { nodes {
          territoryAncestorsByAncestorId(condition: { distance: 2 }) { nodes { territoryByTerritoryId { code level
            emissionsByTerritoryId(condition: { releaseId: $r, year: 2018, sectorId: $s }) { nodes { value gwp gasByGasId { code } } } } } } } } }`,
        variables: { r: rel(dept), s: ids.totalSector },
      },
      check: has(
        (d: J) => d.territory?.descendants.edges ?? d.allTerritories.nodes[0].territoryAncestorsByAncestorId.nodes,
      ),
    },
    {
      name: "ranking: countries by gcp CO2 per capita, 2018",
      hub: {
        query: `{ rankings(level: "country", year: 2018, source: "gcp", perCapita: true, first: 20) { rank value total territory { code name } } }`,
      },
      pgl: {
        // every country's total and population; the client divides, sorts and keeps 20
        query: `query ($r: Int!, $s: Int!) { allTerritories(condition: { level: "country" }) { nodes { code name
          emissionsByTerritoryId(condition: { releaseId: $r, year: 2018, sectorId: $s }) { nodes { value } }
          indicatorsByTerritoryId(condition: { indicator: "population", year: 2018 }) { nodes { value sourceId } } } } }`,
        variables: { r: rel("gcp"), s: ids.totalSector },
      },
      // the smoke database has no population: an empty ranking is the right answer there
      check: smoke
        ? (d: J) => Array.isArray(d.rankings ?? d.allTerritories.nodes)
        : has((d: J) => d.rankings ?? d.allTerritories.nodes),
    },
  ];
}

interface Started {
  child: ChildProcess;
  url: string;
}

function start(kind: "hub" | "postgraphile", url: string): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(import.meta.dirname, "servers.ts"), [kind, url], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "pipe", "inherit", "ipc"],
    });
    let out = "";
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const m = /ready (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.once("exit", (code) => reject(new Error(`${kind} server exited (${code}) before it was ready: ${out}`)));
  });
}

function statements(s: Started): Promise<number> {
  return new Promise((resolve) => {
    s.child.once("message", (m) => resolve((m as { statements: number }).statements));
    s.child.send("statements");
  });
}

async function ask(url: string, body: string): Promise<unknown> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  const json = (await res.json()) as { data?: unknown; errors?: { message: string }[] };
  if (json.errors?.length) throw new Error(`${url}: ${json.errors.map((e) => e.message).join("; ")}`);
  return json.data;
}

interface Measure {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
}

async function load(url: string, body: string, seconds: number, connections: number): Promise<Measure> {
  const r = await autocannon({
    url,
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    connections,
    duration: seconds,
    maxOverallRequests: smoke ? 50 : 200_000,
  });
  if (r.errors || r.non2xx) throw new Error(`${url}: ${r.errors} errors, ${r.non2xx} non-2xx answers under load`);
  return {
    rps: r.requests.total / (r.duration || seconds),
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
  };
}

async function main() {
  const seconds = smoke ? 1 : intOption("duration", 8);
  const connections = intOption("connections", 8);
  const repeat = smoke ? 1 : intOption("repeat", 3);
  console.log(
    `bench:api${smoke ? " (smoke)" : ""}: ${await machine()}; autocannon ${connections} connections, ${seconds} s per run, ${repeat} runs per side and question`,
  );
  const scratch = await scratchDatabase("api");
  const servers: Started[] = [];
  try {
    const { db, config } = await openHub(scratch.url);
    for (const id of SOURCES) {
      const r = await runConnector(db, findConnector(id)!, { config, trigger: "cli" });
      if (r.status !== "succeeded") throw new Error(`${id}: ${r.error}`);
    }
    const releases = await db.query<{ source_id: string; id: number }>(
      `select distinct on (source_id) source_id, id from release where active order by source_id, loaded_at desc, id desc`,
    );
    const [{ id: totalSector }] = await db.query<{ id: number }>(
      `select id from sector where code = 'TOTAL_EXCL_LULUCF'`,
    );
    // PostGraphile plans with the planner settings the hub's connections use (db/client.ts)
    await db.query(`alter database "${scratch.name}" set random_page_cost = ${RANDOM_PAGE_COST}`);
    await db.close();
    const ids: Ids = { release: Object.fromEntries(releases.map((r) => [r.source_id, r.id])), totalSector };

    const hub = await start("hub", scratch.url);
    servers.push(hub);
    const pgl = await start("postgraphile", scratch.url);
    servers.push(pgl);

    const rows: (string | number)[][] = [];
    const only = option("only"); // the questions whose name holds this text
    const asked = questions(ids).filter((q) => !only || q.name.includes(only));
    if (!asked.length) throw new Error(`--only ${JSON.stringify(only)} names none of the questions`);
    for (const q of asked) {
      const hubBody = JSON.stringify({ query: q.hub.query });
      const pglBody = JSON.stringify(q.pgl);
      for (const [side, s, body] of [
        ["hub", hub, hubBody],
        ["PostGraphile", pgl, pglBody],
      ] as const) {
        const data = await ask(s.url, body);
        if (!q.check(data))
          throw new Error(`${side} gave an empty answer to "${q.name}": ${JSON.stringify(data).slice(0, 300)}`);
        await load(s.url, body, Math.min(1, seconds), connections); // warm-up: JIT, plans, pools
      }
      const hubRuns: Measure[] = [];
      const pglRuns: Measure[] = [];
      const perRequest: number[] = [];
      for (let i = 0; i < repeat; i++) {
        const before = await statements(hub);
        const m = await load(hub.url, hubBody, seconds, connections);
        perRequest.push(((await statements(hub)) - before) / m.requests);
        hubRuns.push(m);
        pglRuns.push(await load(pgl.url, pglBody, seconds, connections));
      }
      const med = (xs: Measure[], k: keyof Measure) => median(xs.map((x) => x[k]));
      rows.push([
        q.name,
        med(hubRuns, "rps"),
        med(hubRuns, "p50"),
        med(hubRuns, "p99"),
        med(pglRuns, "rps"),
        med(pglRuns, "p50"),
        med(pglRuns, "p99"),
        `${(med(hubRuns, "rps") / med(pglRuns, "rps")).toFixed(2)}x`,
        median(perRequest),
      ]);
    }
    printTable(
      `Requests/s and latency (ms), medians of ${repeat} runs per side; statements = the hub's SQL statements per request`,
      [
        "question",
        "hub req/s",
        "hub p50",
        "hub p99",
        "PGL req/s",
        "PGL p50",
        "PGL p99",
        "hub/PGL",
        "hub statements/req",
      ],
      rows,
    );
    console.log("\ntarget: hub/PGL >= 1.00x on every question (goal 1.5x)");
  } finally {
    for (const s of servers) s.child.kill();
    await scratch.drop();
  }
}

await main();
