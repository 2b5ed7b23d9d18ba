// Derived metrics (cumulative, share of World, change, rank), discovery, rankings with roll-up,
// rejected rows behind a coverage, and releases (diff of two real loads, ambiguous names), through
// yoga.fetch on real data, on both drivers. Expected figures are computed here from the raw files.
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConnector } from "../../connectors/engine/run.ts";
import { findConnector } from "../../connectors/registry.ts";
import { useDatabase } from "../../db/client.ts";
import { forgetCatalog } from "../../graphql/catalog.ts";
import { rankLevel, topAtLevel } from "../../graphql/derived.ts";
import { yoga } from "../../graphql/yoga.ts";
import { type TestDatabase, testDrivers } from "../helpers/database.ts";
import { API_SOURCES, loadedDatabase } from "../helpers/loaded.ts";

const gcpFile = path.join(import.meta.dirname, "../../data/emissions/gcp/GCB2020v18_MtCO2_flat.csv");
const MEASURES = ["Total", "Coal", "Oil", "Gas", "Cement", "Flaring", "Other"];

interface GcpRow {
  Country: string;
  "ISO 3166-1 alpha-3": string;
  Year: string;
  [measure: string]: string;
}
const gcp: GcpRow[] = parse(fs.readFileSync(gcpFile, "latin1"), { columns: true });
const total = (iso: string, year: number) => {
  const r = gcp.find((x) => x["ISO 3166-1 alpha-3"] === iso && Number(x.Year) === year);
  return Number(r?.Total);
};
const franceYears = gcp.filter((r) => r["ISO 3166-1 alpha-3"] === "FRA" && r.Total !== "" && Number(r.Year) <= 2018);

/** a GraphQL answer: its shape is checked by the assertions, field by field */
// biome-ignore lint/suspicious/noExplicitAny: answers are JSON whose shape each test asserts
type Data = Record<string, any>;
interface Result {
  data?: Data | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function gql(query: string): Promise<Result> {
  const res = await yoga.fetch("http://yoga/graphql", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as Result;
}

async function ok(query: string): Promise<Data> {
  const r = await gql(query);
  expect(r.errors).toBeUndefined();
  return r.data!;
}

const codes = (r: Result) => (r.errors ?? []).map((e) => e.extensions?.code);
const GCP_CO2 = `gas: "CO2", source: "gcp"`;

describe.each(testDrivers)("derived metrics and discovery on %s", (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await loadedDatabase(driver, API_SOURCES);
    useDatabase(t.db);
  });
  afterAll(async () => {
    useDatabase(undefined);
    await t?.drop();
  });

  it("sums France's gcp CO2 over every year up to 2018, as the file has it", async () => {
    const expected = franceYears.reduce((s, r) => s + Number(r.Total), 0);
    const data = await ok(`{ territory(code: "FR") {
      cumulative(yearTo: 2018, ${GCP_CO2}, unit: MT) { value unit gas gwp firstYear lastYear years status source { id } }
      since1990: cumulative(yearFrom: 1990, yearTo: 2018, ${GCP_CO2}, unit: MT) { value years } } }`);
    const c = data.territory.cumulative;
    expect(c.value).toBeCloseTo(expected, 6);
    expect(c).toMatchObject({ unit: "MT", gas: "CO2", gwp: null, lastYear: 2018, status: "REPORTED" });
    expect(c.firstYear).toBe(Math.min(...franceYears.map((r) => Number(r.Year))));
    expect(c.years).toBe(franceYears.length);
    expect(c.source.id).toBe("gcp");
    const since1990 = franceYears.filter((r) => Number(r.Year) >= 1990);
    expect(data.territory.since1990.value).toBeCloseTo(
      since1990.reduce((s, r) => s + Number(r.Total), 0),
      6,
    );
    expect(data.territory.since1990.years).toBe(29);
  });

  it("rolls a cumulative sum up from the children where a territory is not reported", async () => {
    // Western Europe (M49 155) is not in gcp: each year is the sum of its countries
    const data = await ok(`{ territory(code: "155") {
      cumulative(yearFrom: 2000, yearTo: 2018, ${GCP_CO2}, unit: MT) { value status }
      children { code cumulative(yearFrom: 2000, yearTo: 2018, ${GCP_CO2}, unit: MT) { value } } } }`);
    const parts = data.territory.children
      .map((c: Data) => c.cumulative?.value ?? 0)
      .reduce((s: number, v: number) => s + v, 0);
    expect(["DERIVED", "PARTIAL"]).toContain(data.territory.cumulative.status);
    expect(data.territory.cumulative.value).toBeCloseTo(parts, 6);
  });

  it("gives France's share of World's 2018 CO2 in gcp, World as gcp reports it", async () => {
    const data = await ok(`{ territory(code: "FR") { shareOfWorld(year: 2018, ${GCP_CO2}, unit: MT) {
      share percent worldBasis total { value } world { value status } } } }`);
    const s = data.territory.shareOfWorld;
    expect(s.total.value).toBe(331.725446);
    expect(s.world).toEqual({ value: total("WLD", 2018), status: "REPORTED" });
    expect(s.worldBasis).toBe("REPORTED");
    expect(s.share).toBeCloseTo(331.725446 / 36419.711706, 12);
    expect(s.percent).toBeCloseTo((331.725446 / 36419.711706) * 100, 10);
  });

  it("divides by the sum of the countries where a source reports no World total", async () => {
    // unfccc-annex1 reports Annex I countries only
    const data = await ok(`{ territory(code: "FR") { shareOfWorld(year: 2018, gas: "CO2", source: "unfccc-annex1") {
      share worldBasis total { value } world { value status coverage { childrenWithData } } } } }`);
    const s = data.territory.shareOfWorld;
    expect(s.worldBasis).toBe("SUM_OF_COUNTRIES");
    expect(s.world.status).toBe("PARTIAL");
    expect(s.share).toBeCloseTo(s.total.value / s.world.value, 12);
    expect(s.share).toBeGreaterThan(0.01);
  });

  it("gives France's change in gcp CO2 from 1990 to 2018, absolute and percent", async () => {
    const data = await ok(`{ territory(code: "FR") { change(from: 1990, to: 2018, ${GCP_CO2}, unit: MT) {
      fromYear toYear absolute percent from { value status } to { value } } } }`);
    const c = data.territory.change;
    const [a, b] = [total("FRA", 1990), total("FRA", 2018)];
    expect(a).toBe(400.983322);
    expect(c).toMatchObject({ fromYear: 1990, toYear: 2018, from: { value: a, status: "REPORTED" }, to: { value: b } });
    expect(c.absolute).toBeCloseTo(b - a, 9);
    expect(c.absolute).toBeCloseTo(-69.257876, 9);
    expect(c.percent).toBeCloseTo(((b - a) / a) * 100, 9);
  });

  it("ranks France among the countries for gcp CO2 2018 as the file orders them", async () => {
    const france = total("FRA", 2018);
    const above = gcp
      .filter(
        (r) =>
          Number(r.Year) === 2018 && /^[A-Z]{3}$/.test(r["ISO 3166-1 alpha-3"]) && r["ISO 3166-1 alpha-3"] !== "WLD",
      )
      .filter((r) => Number(r.Total) > france);
    const data = await ok(`{ territory(code: "FR") { rank(year: 2018, ${GCP_CO2}, unit: MT) {
        rank of level value status source } }
      rankings(level: "country", year: 2018, ${GCP_CO2}, unit: MT, first: 30) { rank territory { code } value } }`);
    const r = data.territory.rank;
    expect(r).toMatchObject({
      rank: above.length + 1,
      level: "country",
      value: 331.725446,
      status: "REPORTED",
      source: "gcp",
    });
    expect(r.rank).toBe(20);
    expect(r.of).toBeGreaterThan(200);
    expect(data.rankings.find((x: Data) => x.territory.code === "FR").rank).toBe(r.rank);
  });

  it("orders a ranking in SQL exactly as in Node, and leaves mixed bases to Node", async () => {
    for (const args of [
      { level: "country", year: 2018, gas: "CO2", source: "gcp" },
      { level: "city", year: 2018, source: "openghgmap" },
      { level: "country", year: 2018, gas: "CO2", source: "gcp", perCapita: true },
    ]) {
      const inSql = await topAtLevel({}, args, 50);
      const inNode = await rankLevel({}, args);
      expect(inSql, JSON.stringify(args)).not.toBeNull();
      expect(inSql!.ranked.length).toBeGreaterThan(0);
      expect(inSql!.source).toBe(args.source);
      expect(inSql!.ranked.map((r) => r.territoryId)).toEqual(inNode.ranked.slice(0, 50).map((r) => r.territoryId));
      inSql!.ranked.forEach((r, i) => {
        expect(r.tonnes).toBeCloseTo(inNode.ranked[i].tonnes, 3);
        expect(r.perCapita ?? 0).toBeCloseTo(inNode.ranked[i].perCapita ?? 0, 9);
      });
    }
    // CAIT's totals add CO2 masses to CO2e of other gases: a sum only Node's GWP tables make
    const mixed = { level: "country", year: 2015, source: "climate-watch-cait" };
    expect(await topAtLevel({}, mixed, 20)).toBeNull();
    expect((await rankLevel({}, mixed)).ranked.length).toBeGreaterThan(150);
    // several sources at one level: SQL cannot choose, Node names them (SOURCE_REQUIRED)
    expect(await topAtLevel({}, { level: "country", year: 2018, gas: "CO2" }, 20)).toBeNull();
    const r = await gql(`{ rankings(level: "country", year: 2018, gas: "CO2") { rank } }`);
    expect(codes(r)).toEqual(["SOURCE_REQUIRED"]);
  });

  it("ranks derived totals with rollUp, and only reported values without it", async () => {
    const data = await ok(`{
      reported: rankings(level: "region", year: 2018, ${GCP_CO2}, unit: MT) { rank }
      rolled: rankings(level: "region", year: 2018, ${GCP_CO2}, unit: MT, rollUp: true) { rank territory { code } value status }
      asia: territory(code: "142") { total(year: 2018, ${GCP_CO2}, unit: MT) { value }
        rank(year: 2018, ${GCP_CO2}, rollUp: true) { rank of status } } }`);
    expect(data.reported).toEqual([]);
    expect(data.rolled[0].territory.code).toBe("142");
    expect(data.rolled[0].value).toBe(data.asia.total.value);
    for (const r of data.rolled) expect(["DERIVED", "PARTIAL"]).toContain(r.status);
    expect(data.asia.rank).toMatchObject({ rank: 1, of: data.rolled.length });
  });

  it("answers derived fields for every EU27 member in a bounded number of statements", async () => {
    const count = async (code: string) => {
      forgetCatalog(); // each request reads the catalog: the counts compare like with like
      const before = t.db.statements.count;
      const data = await ok(`{ territory(code: "${code}") { members { code
        cumulative(yearFrom: 2010, yearTo: 2018, ${GCP_CO2}) { value }
        change(from: 1990, to: 2018, ${GCP_CO2}) { percent }
        shareOfWorld(year: 2018, ${GCP_CO2}) { share }
        rank(year: 2018, ${GCP_CO2}) { rank }
        availability(source: "gcp") { lastYear } } } }`);
      return { statements: t.db.statements.count - before, data };
    };
    const eu = await count("EU27");
    const small = await count("FR-EPCI-200060457");
    expect(eu.data.territory.members).toHaveLength(27);
    expect(eu.data.territory.members.every((m: Data) => m.rank.rank > 0)).toBe(true);
    // bounded whatever the number of members: the countries report their own values (one slice), the
    // communes take the roll-up (two statements more)
    expect(eu.statements).toBeLessThanOrEqual(small.statements);
    expect(eu.statements).toBeLessThan(27);
    console.log(`derived fields statements: EU27 ${eu.statements}, 2 communes ${small.statements}`);
  });

  it("tells which sources, years, sectors and gases have data for a territory", async () => {
    const data = await ok(`{
      fr: territory(code: "FR") { availability { source { id } reported firstYear lastYear years values sectors { code } gases { code } } }
      idf: territory(code: "FR-IDF") { availability(source: "openghgmap") {
        reported years children childrenWithData childrenShare descendantsWithData } } }`);
    const bySource = new Map(data.fr.availability.map((a: Data) => [a.source.id, a]));
    expect([...bySource.keys()]).toEqual(
      expect.arrayContaining(["gcp", "edgar", "unfccc-annex1", "owid", "openclimate-gcb2022", "climate-watch-cait"]),
    );
    const g = bySource.get("gcp") as Data;
    const withValues = gcp.filter((r) => r["ISO 3166-1 alpha-3"] === "FRA" && MEASURES.some((m) => r[m] !== ""));
    expect(g.years).toEqual(withValues.map((r) => Number(r.Year)));
    expect(g.firstYear).toBe(Number(withValues[0].Year));
    expect(g.lastYear).toBe(2019);
    expect(g.values).toBe(withValues.reduce((n, r) => n + MEASURES.filter((m) => r[m] !== "").length, 0));
    expect(g.gases.map((x: Data) => x.code)).toEqual(["CO2"]);
    expect(g.sectors.map((x: Data) => x.code)).toEqual(expect.arrayContaining(["TOTAL_EXCL_LULUCF", "1.A", "2.A.1"]));
    const [idf] = data.idf.availability;
    expect(idf).toMatchObject({ reported: true, years: [2018], children: 8 });
    expect(idf.childrenWithData).toBeLessThan(8);
    expect(idf.childrenShare).toBeCloseTo(idf.childrenWithData / 8, 12);
    expect(idf.descendantsWithData).toBeGreaterThanOrEqual(idf.childrenWithData);
  });

  it("tells which territories of each level a source covers", async () => {
    const data =
      await ok(`{ gcp: availability(source: "gcp") { level territories territoriesAtLevel share firstYear lastYear codes(first: 3) }
      ghg: availability(source: "openghgmap", level: "adm2") { level territories codes(first: 2, after: "FR-28") } }`);
    const byLevel = new Map(data.gcp.map((a: Data) => [a.level, a]));
    expect(byLevel.get("planet")).toMatchObject({
      territories: 1,
      territoriesAtLevel: 1,
      codes: ["001"],
      lastYear: 2019,
    });
    const countries = byLevel.get("country") as Data;
    const [{ n }] = await t.db.query<{ n: number }>(
      `select count(distinct e.territory_id)::int as n from emission e join territory t on t.id = e.territory_id
       join release r on r.id = e.release_id and r.active where r.source_id = 'gcp' and t.level = 'country'`,
    );
    expect(countries.territories).toBe(n);
    expect(n).toBeGreaterThan(210);
    expect(countries.share).toBeCloseTo(n / countries.territoriesAtLevel, 12);
    expect(countries.codes).toHaveLength(3);
    expect(data.ghg[0].level).toBe("adm2");
    expect(data.ghg[0].codes).toEqual(["FR-29", "FR-2A"]);
  });

  it("links FR-IDF's departments without data to the rows rejected when openGHGMap was loaded", async () => {
    const data = await ok(`{ territory(code: "FR-IDF") { total(year: 2018, source: "openghgmap") { coverage {
      missing { code } missingRejected { territory { code } rejected rejects { file line reason } } } } } }`);
    const cov = data.territory.total.coverage;
    expect(cov.missingRejected.map((m: Data) => m.territory.code)).toEqual(cov.missing.map((m: Data) => m.code));
    const seineSaintDenis = cov.missingRejected.find((m: Data) => m.territory.code === "FR-93");
    expect(seineSaintDenis.rejected).toBe(true);
    expect(seineSaintDenis.rejects.map((r: Data) => [r.file, r.line])).toEqual([
      ["openGHGMap_R2021A__EmissionsAgg.csv", 310],
      ["openGHGMap_R2021A__EmissionsAgg.csv", 311],
    ]);
    expect(seineSaintDenis.rejects[0].reason).toMatch(/conflicting values for territory "FR-93", year 2018/);
    expect(cov.missingRejected.filter((m: Data) => !m.rejected).every((m: Data) => m.rejects.length === 0)).toBe(true);
  });

  it("asks for a source when a release name is ambiguous, and says when it names no release", async () => {
    const unknown = await gql(
      `{ territory(code: "FR") { total(year: 2018, gas: "CO2", release: "no-such-release") { value } } }`,
    );
    expect(codes(unknown)).toEqual(["NOT_FOUND"]);
    const byVersion =
      await ok(`{ territory(code: "FR") { total(year: 2018, gas: "CO2", release: "GCB2020v18", unit: MT) {
      value source { id } } } }`);
    expect(byVersion.territory.total).toEqual({ value: 331.725446, source: { id: "gcp" } });
    // two sources publishing under one version string: the name alone cannot choose
    await t.db.query(`update release set version = 'GCB2020v18' where source_id = 'openclimate-gcb2022'`);
    forgetCatalog(); // a change behind the hub's back, as another process would make it
    try {
      const r = await gql(
        `{ territory(code: "FR") { total(year: 2018, gas: "CO2", release: "GCB2020v18") { value } } }`,
      );
      expect(codes(r)).toEqual(["SOURCE_REQUIRED"]);
      expect(r.errors![0].message).toMatch(/names releases of 2 sources \(gcp, openclimate-gcb2022\)/);
      const chosen = await ok(`{ territory(code: "FR") {
        total(year: 2018, gas: "CO2", release: "GCB2020v18", source: "gcp", unit: MT) { value } } }`);
      expect(chosen.territory.total.value).toBe(331.725446);
    } finally {
      await t.db.query(
        `update release set version = 'GCB2022:national_fossil_emissions:v1.0' where source_id = 'openclimate-gcb2022'`,
      );
      forgetCatalog();
    }
  });

  it("diffs two real releases of gcp: the file loaded again with France 2018 changed", async () => {
    const changed = fs
      .readFileSync(gcpFile, "latin1")
      .replace('"France","FRA",2018,331.725446', '"France","FRA",2018,331.8');
    const file = path.join(t.config.dataDir, `gcp-changed-${driver}.csv`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, changed, "latin1");
    const run = await runConnector(t.db, findConnector("gcp")!, {
      config: t.config,
      files: { data: file },
      trigger: "test",
    });
    expect(run.status).toBe("succeeded");
    try {
      const [{ id: before }] = await t.db.query<{ id: number }>(
        `select id from release where source_id = 'gcp' and id <> $1 order by id desc limit 1`,
        [run.releaseId],
      );
      const data = await ok(`{
        diff: releaseDiff(source: "gcp", from: "${before}", to: "${run.releaseId}") {
          added removed changed unchanged changes { territory sector sourceSector gas year before after } }
        now: territory(code: "FR") { total(year: 2018, ${GCP_CO2}, unit: MT) { value release { id } }
          change(from: 2017, to: 2018, ${GCP_CO2}, unit: MT) { absolute } } }`);
      const rows = gcp.reduce((n, r) => n + MEASURES.filter((m) => r[m] !== "").length, 0);
      expect(data.diff).toMatchObject({ added: 0, removed: 0, changed: 1 });
      expect(data.diff.changes).toEqual([
        {
          territory: "FR",
          sector: "TOTAL_EXCL_LULUCF",
          sourceSector: "Total",
          gas: "CO2",
          year: 2018,
          before: 331_725_446,
          after: 331_800_000,
        },
      ]);
      expect(data.diff.unchanged).toBeGreaterThan(rows * 0.9);
      expect(data.now.total).toEqual({ value: 331.8, release: { id: run.releaseId } });
      expect(data.now.change.absolute).toBeCloseTo(331.8 - total("FRA", 2017), 9);
      // both releases carry the version GCB2020v18: the version alone names no one release
      const ambiguous = await gql(
        `{ releaseDiff(source: "gcp", from: "GCB2020v18", to: "${run.releaseId}") { changed } }`,
      );
      expect(codes(ambiguous)).toEqual(["RELEASE_AMBIGUOUS"]);
    } finally {
      // the changed release is rolled back: queries read the bundled file's release again
      await t.db.query(`update release set active = false where id = $1`, [run.releaseId]);
    }
  });
});
