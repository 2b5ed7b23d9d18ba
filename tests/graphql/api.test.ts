// The GraphQL API on real data loaded by the real connectors, through yoga.fetch, on both drivers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDatabase } from "../../db/client.ts";
import { LIMITS } from "../../graphql/builder.ts";
import { yoga } from "../../graphql/yoga.ts";
import { type TestDatabase, testDrivers } from "../helpers/database.ts";
import { API_SOURCES, loadedDatabase } from "../helpers/loaded.ts";

/** a GraphQL answer: its shape is checked by the assertions, field by field */
// biome-ignore lint/suspicious/noExplicitAny: answers are JSON whose shape each test asserts
type Data = Record<string, any>;

interface Result {
  data?: Data | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

async function gql(query: string, variables: Record<string, unknown> = {}): Promise<Result> {
  const res = await yoga.fetch("http://yoga/graphql", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as Result;
}

async function ok(query: string, variables: Record<string, unknown> = {}): Promise<Data> {
  const r = await gql(query, variables);
  expect(r.errors).toBeUndefined();
  return r.data!;
}

const codes = (r: Result) => (r.errors ?? []).map((e) => e.extensions?.code);

const NESTED = `
  sectors(yearFrom: 2015, yearTo: 2018, unit: KT) {
    source sector { code name parent { code } } total
    gases { gas { code } gwp series { year value } }
  }`;

describe.each(testDrivers)("the GraphQL API on %s", (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await loadedDatabase(driver, API_SOURCES);
    useDatabase(t.db);
  });
  afterAll(async () => {
    useDatabase(undefined);
    await t?.drop();
  });

  it("reads France's gcp fossil CO2 for 2018 back in Mt, by any of its identifiers", async () => {
    const data = await ok(`{
      a: territory(code: "FR") { ...v } b: territory(code: "FRA") { ...v } c: territory(code: "250") { ...v }
    } fragment v on Territory { code total(year: 2018, gas: "CO2", source: "gcp", unit: MT) { value unit status gas gwp } }`);
    for (const k of ["a", "b", "c"]) {
      expect(data[k].code).toBe("FR");
      expect(data[k].total).toEqual({ value: 331.725446, unit: "MT", status: "REPORTED", gas: "CO2", gwp: null });
    }
  });

  it("gives FR-BRE's reported openGHGMap 2018 total and its gap of -36 t to its departments", async () => {
    const data = await ok(`{ territory(code: "FR-BRE") { total(year: 2018, source: "openghgmap") {
      value status reportedMinusChildren sumOfChildren coverage { children childrenWithData missing { code } } } } }`);
    expect(data.territory.total).toEqual({
      value: 20_784_720,
      status: "REPORTED",
      reportedMinusChildren: -36,
      sumOfChildren: 20_784_756,
      coverage: { children: 4, childrenWithData: 4, missing: [] },
    });
  });

  it("shows FR-IDF as reported, with the departments that lack data in its coverage", async () => {
    const data = await ok(`{ territory(code: "FR-IDF") { total(year: 2018, source: "openghgmap", unit: MT) {
      status value reportedMinusChildren coverage { children childrenWithData populationShare missing { code } } } } }`);
    const total = data.territory.total;
    expect(total.status).toBe("REPORTED");
    expect(total.value).toBeCloseTo(32.844956, 6);
    expect(total.coverage.children).toBe(8);
    expect(total.coverage.childrenWithData).toBeLessThan(8);
    expect(total.coverage.missing.length).toBe(8 - total.coverage.childrenWithData);
    expect(total.coverage.populationShare).toBeGreaterThan(0);
    expect(total.coverage.populationShare).toBeLessThan(1);
    expect(total.reportedMinusChildren).not.toBe(0);
  });

  it("derives a territory without a reported value from its children", async () => {
    // Western Europe (M49 155) is not in openGHGMap; its countries are
    const data = await ok(`{ territory(code: "155") { total(year: 2018, source: "openghgmap") {
      value status reported sumOfChildren coverage { children childrenWithData } } } }`);
    const total = data.territory.total;
    expect(["DERIVED", "PARTIAL"]).toContain(total.status);
    expect(total.reported).toBeNull();
    expect(total.value).toBe(total.sumOfChildren);
    expect(total.coverage.childrenWithData).toBeGreaterThan(0);
  });

  it("compares France's 2018 CO2 across sources with median and spread", async () => {
    const data = await ok(`{ compare(territory: "FR", gas: "CO2", year: 2018, unit: MT) {
      median spread relativeSpread values { source { id } value ratioToMedian outlier } } }`);
    const c = data.compare;
    const ids = c.values.map((v: { source: { id: string } }) => v.source.id);
    expect(ids).toEqual(expect.arrayContaining(["gcp", "edgar", "unfccc-annex1", "owid", "openclimate-gcb2022"]));
    expect(c.values.find((v: { source: { id: string } }) => v.source.id === "gcp").value).toBe(331.725446);
    expect(c.spread).toBeGreaterThan(0);
    expect(c.median).toBeGreaterThan(300);
    for (const v of c.values) expect(v.ratioToMedian).toBeCloseTo(v.value / c.median, 9);
  });

  it("refuses to convert a climate-watch-cait CO2e value to AR6_100", async () => {
    const r = await gql(`{ territory(code: "FR") {
      total(year: 2016, gas: "CH4", source: "climate-watch-cait", gwp: AR6_100) { value } } }`);
    expect(codes(r)).toEqual(["GWP_CONVERSION"]);
    expect(r.errors![0].message).toMatch(/AR4_100/);
    expect(r.data!.territory.total).toBeNull();
  });

  it("converts a CH4 mass to different CO2e under AR4 and AR6", async () => {
    // India, 1.A fuel combustion, 2010: 204.36 Gg CH4 in the UNFCCC DI file (detailed-data-by-country-non-annex-one.csv)
    const slice = `year: 2010, gas: "CH4", sector: "1.A", source: "unfccc-di"`;
    const data = await ok(`{ territory(code: "IND") {
      mass: total(${slice}, unit: KT) { value gas gwp }
      ar4: total(${slice}, gwp: AR4_100) { value gwp }
      ar6: total(${slice}, gwp: AR6_100) { value gwp } } }`);
    expect(data.territory.mass).toEqual({ value: 204.36, gas: "CH4", gwp: null });
    expect(data.territory.ar4).toEqual({ value: 5_109_000, gwp: "AR4_100" });
    expect(data.territory.ar6.value).toBeCloseTo(204_360 * 27.9, 3);
  });

  it("never adds sources together, nor a basket to the gases it holds", async () => {
    // without a source, France's 2016 CH4 comes from two sources: the API asks which
    const r = await gql(`{ territory(code: "FR") { total(year: 2016, gas: "CH4") { value } } }`);
    expect(codes(r)).toEqual(["SOURCE_REQUIRED"]);
    const data = await ok(`{ territory(code: "FR") {
      sectors(source: "climate-watch-cait", year: 2016) { sector { code } total gases { gas { code } series { value } } } } }`);
    const energy = data.territory.sectors.find((s: { sector: { code: string } }) => s.sector.code === "1");
    const ghg = energy.gases.find((g: { gas: { code: string } }) => g.gas.code === "GHG");
    expect(energy.gases.length).toBeGreaterThan(1);
    expect(energy.total).toBe(ghg.series[0].value);
  });

  it("breaks FR-BRE down by department with shares, and France's CO2 by source", async () => {
    const data = await ok(`{ bre: territory(code: "FR-BRE") { breakdown(by: CHILD, year: 2018, source: "openghgmap") {
        total sumOfParts parts { code value share status territory { code } } } }
      fr: territory(code: "FR") { breakdown(by: SOURCE, year: 2018, gas: "CO2", unit: MT) { parts { code value share } } } }`);
    const b = data.bre.breakdown;
    expect(b.parts.map((p: { code: string }) => p.code).sort()).toEqual(["FR-22", "FR-29", "FR-35", "FR-56"]);
    expect(b.sumOfParts).toBe(20_784_756);
    expect(b.parts.reduce((s: number, p: { share: number }) => s + p.share, 0)).toBeCloseTo(20_784_756 / 20_784_720, 9);
    const gcp = data.fr.breakdown.parts.find((p: { code: string }) => p.code === "gcp");
    expect(gcp).toEqual({ code: "gcp", value: 331.725446, share: null });
  });

  it("lists values with provenance, a total count and cursors", async () => {
    const q = `query($after: String) { territory(code: "FR") {
      emissions(first: 2, after: $after, filter: { sources: ["gcp"], gases: ["CO2"], yearFrom: 2018, yearTo: 2018 }) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { year value(unit: MT) originalValue originalUnit source licence rawHash
          sector { code } sourceSector { name } release { version run { id status } } } } } } }`;
    const first = (await ok(q)).territory.emissions;
    expect(first.totalCount).toBeGreaterThan(2);
    expect(first.edges).toHaveLength(2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const node = first.edges[0].node;
    expect(node).toMatchObject({
      year: 2018,
      source: "gcp",
      release: { version: "GCB2020v18", run: { status: "succeeded" } },
    });
    expect(node.rawHash).toMatch(/^[0-9a-f]{64}$/);
    expect(node.licence).toBeTruthy();
    expect(node.originalUnit).toBeTruthy();
    const next = (await ok(q, { after: first.pageInfo.endCursor })).territory.emissions;
    expect(next.edges[0].node).not.toEqual(node);
  });

  it("answers the nested territory -> sectors -> gases query in as many statements for 27 countries as for 2 communes", async () => {
    const count = async (query: string) => {
      const before = t.db.statements.count;
      const data = await ok(query);
      return { statements: t.db.statements.count - before, data };
    };
    const eu = await count(`{ territory(code: "EU27") { members { code ${NESTED} } } }`);
    const small = await count(`{ territory(code: "FR-EPCI-200060457") { members { code ${NESTED} } } }`);
    expect(eu.data.territory.members).toHaveLength(27);
    expect(eu.data.territory.members.find((m: { code: string }) => m.code === "FR").sectors.length).toBeGreaterThan(3);
    expect(eu.statements).toBe(small.statements);
    const departments = (first: number) =>
      count(
        `{ territories(level: "adm2", parent: "FR", first: ${first}) { totalCount edges { node { code ${NESTED} } } } }`,
      );
    await departments(1); // the catalog reads France's departments once, on the first page asked for
    const five = await departments(5);
    const all = await departments(LIMITS.pageSize);
    expect(all.data.territories.edges.length).toBe(all.data.territories.totalCount);
    expect(all.data.territories.totalCount).toBeGreaterThan(95);
    expect(all.statements).toBe(five.statements);
    console.log(
      `nested query statements: EU27 ${eu.statements}, 2 communes ${small.statements}, departments 5: ${five.statements}, all: ${all.statements}`,
    );
  });

  it("describes sources, sectors, gases and connector health", async () => {
    const data = await ok(`{
      sources { id licence citation release { version rowCount } coverage { lastYear territories } }
      sectors { code parent { code } sourceSectors(source: "gcp") { name } }
      gases { code gwps(set: "AR6") { name value } }
      connectors { id status nextRun rowsLoaded rowsRejected newestYear lastRun { rowsRead } } }`);
    const gcp = data.sources.find((s: { id: string }) => s.id === "gcp");
    expect(gcp.release.version).toBe("GCB2020v18");
    expect(gcp.coverage.lastYear).toBe(2019);
    expect(data.sectors.find((s: { code: string }) => s.code === "1.A.1").parent.code).toBe("1.A");
    const ch4 = data.gases.find((g: { code: string }) => g.code === "CH4");
    expect(ch4.gwps).toContainEqual({ name: "AR6_100", value: 27.9 });
    const connector = data.connectors.find((c: { id: string }) => c.id === "gcp");
    expect(connector).toMatchObject({ status: "succeeded", newestYear: 2019 });
    expect(new Date(connector.nextRun).getTime()).toBeGreaterThan(Date.now());
    expect(data.connectors.find((c: { id: string }) => c.id === "unfccc-di")).toMatchObject({ status: "succeeded" });
    expect(data.connectors.find((c: { id: string }) => c.id === "unfccc-non-annex1")?.status ?? "never-run").toBe(
      "never-run",
    );
  });

  it("ranks countries and gives per-capita values", async () => {
    const data = await ok(`{ rankings(level: "country", year: 2018, gas: "CO2", source: "gcp", unit: MT, first: 3) {
        rank value territory { code } }
      territory(code: "FR") { perCapita(year: 2018, gas: "CO2", source: "gcp") { value indicatorSource } } }`);
    expect(data.rankings.map((r: { territory: { code: string } }) => r.territory.code)).toEqual(["CN", "US", "IN"]);
    expect(data.territory.perCapita.value).toBeGreaterThan(4);
    expect(data.territory.perCapita.value).toBeLessThan(6);
  });

  it("diffs a release with itself as unchanged", async () => {
    const data = await ok(
      `{ releaseDiff(source: "gcp", from: "GCB2020v18", to: "GCB2020v18") { added removed changed unchanged } }`,
    );
    expect(data.releaseDiff).toMatchObject({ added: 0, removed: 0, changed: 0 });
    expect(data.releaseDiff.unchanged).toBeGreaterThan(100_000);
  });

  it("exports a slice as CSV, long and wide, with its sources and licences", async () => {
    const get = (q: string) => yoga.fetch(`http://yoga/export.csv?${q}`);
    const long = await (await get("territory=FR,DE&source=gcp&gas=CO2&yearFrom=2017&yearTo=2018&unit=MT")).text();
    const lines = long.trim().split("\r\n");
    expect(lines[0]).toMatch(/^territory,territory_name,source,release,sector,source_sector,gas,year,value,unit,gwp/);
    expect(lines.some((l) => l.startsWith("FR,France,gcp,GCB2020v18,") && l.includes(",2018,331.725446,MT,"))).toBe(
      true,
    );
    const wide = await (
      await get("territory=FR&source=gcp&gas=CO2&yearFrom=2017&yearTo=2018&unit=MT&layout=wide")
    ).text();
    expect(wide.split("\r\n")[0]).toMatch(/,2017,2018$/);
    const sources = await (await get("territory=FR&source=gcp&part=sources")).text();
    expect(sources).toMatch(/^source,name,publisher,licence/);
    expect(sources).toContain("gcp,");
    const bad = await get("territory=FR&gwp=AR6_100&source=climate-watch-cait&gas=CH4");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errors: [{ extensions: { code: "GWP_CONVERSION" } }] });
  });

  it("limits depth, cost, aliases and page size with clear errors", async () => {
    const deep = await gql(`{ territory(code: "FR") { parent { parent { parent { parent { parent { parent { parent {
      parent { parent { parent { code } } } } } } } } } } } }`);
    expect(codes(deep)).toContain("QUERY_TOO_DEEP");
    const costly = await gql(
      `{ territories(first: 500) { edges { node { children { children { children { ${NESTED} } } } } } } }`,
    );
    expect(codes(costly)).toContain("QUERY_TOO_COMPLEX");
    const aliases = Array.from({ length: LIMITS.aliases + 1 }, (_, i) => `a${i}: territory(code: "FR") { code }`);
    const many = await gql(`{ ${aliases.join(" ")} }`);
    expect(codes(many)).toContain("TOO_MANY_ALIASES");
    const page = await gql(`{ territories(first: 100000) { totalCount } }`);
    expect(codes(page)).toContain("PAGE_SIZE_EXCEEDED");
  });

  it("masks internal errors", async () => {
    useDatabase(undefined);
    try {
      const r = await gql(`{ territory(code: "FR") { code } }`);
      expect(r.errors).toEqual([expect.objectContaining({ message: "Unexpected error." })]);
      expect(JSON.stringify(r)).not.toMatch(/useDatabase|database/);
    } finally {
      useDatabase(t.db);
    }
  });
});
