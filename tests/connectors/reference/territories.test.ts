import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunSummary, runConnector, sampleDir } from "../../../connectors/engine/run.ts";
import { readCsv } from "../../../connectors/reference/read-csv.ts";
import {
  addFrance,
  addIso3166Countries,
  addIso3166Subdivisions,
  addM49,
  addNuts,
  emptyModel,
  normaliseName,
  parseFrenchInputs,
  territories,
} from "../../../connectors/reference/territories.ts";
import { seed } from "../../../db/seed.ts";
import { ancestors, findTerritories, findTerritory } from "../../../db/territories.ts";
import { freshDatabase, type TestDatabase, testDrivers } from "../../helpers/database.ts";

const sample = (input: string) => fs.readFileSync(path.join(sampleDir, territories.inputs[input].sample));
const json = (input: string) => JSON.parse(sample(input).toString("utf8")) as Record<string, unknown>[];

const isoCountries = readCsv(sample("iso3166Countries"))
  .map((r) => r.row)
  .filter((r) => r.type !== "planet");
const isoSubdivisions = readCsv(sample("iso3166Subdivisions")).map((r) => r.row.actor_id);
const departments = json("departments").filter((d) => d.zone === "metro" || d.zone === "drom");
const communes = json("communes").filter(
  (c) => c.type === "commune-actuelle" && departments.some((d) => d.code === c.departement),
);
const epci = json("epci");

const TABLES = ["territory", "territory_identifier", "territory_ancestor", "group_member", "indicator"];

async function counts(t: TestDatabase) {
  const out: Record<string, number> = {};
  for (const table of TABLES)
    out[table] = (await t.db.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0].n;
  return out;
}

describe("NUTS mapping", () => {
  it("normalises accents, case and punctuation of names", () => {
    expect(normaliseName("Centre — Val de Loire")).toBe(normaliseName("Centre-Val de Loire"));
    expect(normaliseName("Ile-de-France")).toBe(normaliseName("Île-de-France"));
  });

  it("maps NUTS 0, every French department and the subdivisions whose name is unambiguous", () => {
    const m = emptyModel(() => {});
    addM49(m, readCsv(sample("unsdEn")), readCsv(sample("unsdFr")), "UNSD-en.csv");
    addIso3166Countries(m, readCsv(sample("iso3166Countries")), "ISO-3166-1_Actor.csv");
    addIso3166Subdivisions(m, readCsv(sample("iso3166Subdivisions")), "ISO-3166-2_Actor.csv");
    addFrance(
      m,
      parseFrenchInputs((input) => sample(input).toString("utf8")),
    );
    addNuts(m, readCsv(sample("nuts")), "nuts2024-codes.csv");
    const nuts = [...m.identifiers.values()].filter((i) => i.scheme === "nuts");
    expect(nuts.filter((i) => /^[A-Z]{2}$/.test(i.value)).length).toBe(27);
    expect(nuts.filter((i) => /^FR.{3}$/.test(i.value)).length).toBe(101);
    expect(nuts.find((i) => i.value === "EL")?.code).toBe("GR");
    expect(m.stats).toEqual({ nutsMapped: 537, nutsUnmapped: 991 });
  });
});

describe.each(testDrivers)("territories connector on %s", (driver) => {
  let t: TestDatabase;
  let first: RunSummary;
  beforeAll(async () => {
    t = await freshDatabase(driver);
    await seed(t.db);
    first = await runConnector(t.db, territories, { config: t.config });
    console.log(`territories on ${driver}: ${first.ms} ms, ${first.rowsLoaded} rows`);
  });
  afterAll(() => t?.drop());

  const codesAt = async (level: string) =>
    (await t.db.query<{ code: string }>(`select code from territory where level = $1`, [level])).map((r) => r.code);

  it("publishes a release, rejecting only the FIPS code that country-codes.csv gives twice", async () => {
    expect(first.error).toBeUndefined();
    expect(first.status).toBe("succeeded");
    const rejects = await t.db.query<{ reason: string }>(`select reason from rejected_row where run_id = $1`, [
      first.runId,
    ]);
    // country-codes.csv gives FIPS NL to both the Netherlands and Bonaire (BQ)
    expect(rejects.map((r) => r.reason)).toEqual(["fips NL already names BQ, not NL"]);
  });

  it("loads every ISO 3166-1 country and every ISO 3166-2 subdivision", async () => {
    const countries = new Set(await codesAt("country"));
    expect(isoCountries.length).toBe(249);
    expect(isoCountries.filter((c) => !countries.has(c.actor_id))).toEqual([]);
    const [{ n }] = await t.db.query<{ n: number }>(
      `select count(*)::int as n from territory where code = any($1::text[]) and level in ('adm1', 'adm2')`,
      [isoSubdivisions],
    );
    expect(n).toBe(isoSubdivisions.length);
  });

  it("builds the M49 tree down to countries, with French names", async () => {
    const fr = await findTerritory(t.db, "FR");
    expect(fr).toMatchObject({ code: "FR", level: "country", nameFr: "France", depth: 3 });
    expect((await ancestors(t.db, fr!.id)).map((a) => a.code)).toEqual(["155", "150", "001"]);
    const world = await findTerritory(t.db, "EARTH");
    expect(world).toMatchObject({ code: "001", level: "planet", depth: 0, parentId: null });
    const brazil = await findTerritory(t.db, "BRA");
    expect((await ancestors(t.db, brazil!.id)).map((a) => [a.code, a.level])).toEqual([
      ["005", "intermediate_region"],
      ["419", "subregion"],
      ["019", "region"],
      ["001", "planet"],
    ]);
  });

  it("loads the 101 French departments and every current commune with its population", async () => {
    expect(departments.length).toBe(101);
    const [{ n }] = await t.db.query<{ n: number }>(
      `select count(*)::int as n from territory_identifier where scheme = 'insee-department'`,
    );
    expect(n).toBe(101);
    expect(communes.length).toBe(34_875);
    expect((await codesAt("commune")).length).toBe(communes.length);
    const population = await t.db.query<{ n: number; total: number }>(
      `select count(*)::int as n, sum(i.value)::float8 as total from indicator i join territory t on t.id = i.territory_id
       where t.level = 'commune' and i.indicator = 'population' and i.year = 2023 and i.unit = 'persons'`,
    );
    expect(population[0].n).toBe(communes.length);
    const brest = await findTerritory(t.db, "29019");
    const [value] = await t.db.query<{ value: number }>(
      `select value from indicator where territory_id = $1 and indicator = 'population'`,
      [brest!.id],
    );
    expect(value.value).toBe(142_346);
  });

  it("sums the communes of Finistère to INSEE's 2023 population of the department", async () => {
    // 933,455: INSEE, populations de référence 2023, in force on 1 January 2026
    const [{ total }] = await t.db.query<{ total: number }>(
      `select sum(i.value)::float8 as total from territory_ancestor a
       join territory d on d.id = a.ancestor_id and d.code = 'FR-29'
       join indicator i on i.territory_id = a.territory_id and i.indicator = 'population' and i.year = 2023`,
    );
    expect(total).toBe(933_455);
  });

  it("puts Brest under Finistère, Bretagne, France, Western Europe, Europe and the World", async () => {
    const brest = await findTerritory(t.db, "29019");
    expect(brest).toMatchObject({ level: "commune", name: "Brest" });
    expect((await ancestors(t.db, brest!.id)).map((a) => a.code)).toEqual([
      "FR-29",
      "FR-BRE",
      "FR",
      "155",
      "150",
      "001",
    ]);
    expect(brest!.depth).toBe(6);
  });

  it("finds one territory from any of its identifiers", async () => {
    const fr = await findTerritory(t.db, "FR");
    for (const code of ["FRA", "fra", "250", "fr", "nuts:FR", "m49:250"])
      expect(await findTerritory(t.db, code)).toEqual(fr);
    expect((await findTerritory(t.db, "FRH02"))?.code).toBe("FR-29");
    expect((await findTerritory(t.db, "insee-department:75"))?.code).toBe("FR-75C");
    expect((await findTerritory(t.db, "insee-region:53"))?.code).toBe("FR-BRE");
    expect((await findTerritory(t.db, "53"))?.code).toBe("FR-53");
    expect((await findTerritory(t.db, "siren:212900195"))?.code).toBe("29019");
    expect(await findTerritory(t.db, "nothing-like-this")).toBeUndefined();
  });

  it("resolves a batch of codes in one query", async () => {
    const before = t.db.statements.count;
    const found = await findTerritories(t.db, ["FRA", "250", "FRH02", "29019", "insee-region:53", "XX-NONE"]);
    expect(t.db.statements.count - before).toBe(1);
    expect(Object.fromEntries([...found].map(([k, v]) => [k, v.code]))).toEqual({
      FRA: "FR",
      "250": "FR",
      FRH02: "FR-29",
      "29019": "29019",
      "insee-region:53": "FR-BRE",
    });
  });

  it("joins INSEE regions and departments to ISO 3166-2, Corsica and overseas included", async () => {
    const byInsee = async (ref: string) => (await findTerritory(t.db, ref))?.code;
    expect(await byInsee("insee-department:2A")).toBe("FR-2A");
    expect(await byInsee("insee-region:94")).toBe("FR-20R");
    expect(await byInsee("insee-region:01")).toBe("FR-971");
    expect(await byInsee("insee-department:971")).toBe("FR-971");
    expect(await byInsee("insee-department:69")).toBe("FR-69");
    const strasbourg = await findTerritory(t.db, "67482");
    expect((await ancestors(t.db, strasbourg!.id)).map((a) => a.code).slice(0, 4)).toEqual([
      "FR-67",
      "FR-6AE",
      "FR-GES",
      "FR",
    ]);
  });

  it("maps NUTS 2024 codes of French departments and regions", async () => {
    const nuts = await t.db.query<{ value: string; code: string }>(
      `select i.value, t.code from territory_identifier i join territory t on t.id = i.territory_id
       where i.scheme = 'nuts' and i.value like 'FR%'`,
    );
    const map = new Map(nuts.map((r) => [r.value, r.code]));
    expect(map.get("FR101")).toBe("FR-75C");
    expect(map.get("FRH")).toBe("FR-BRE");
    expect(map.get("FRM01")).toBe("FR-2A");
    expect(map.get("FRY10")).toBe("FR-971");
    // every department but none of the Extra-Regio codes
    expect([...map.keys()].filter((k) => k.length === 5 && !k.endsWith("Z")).length).toBe(101);
  });

  it("makes groups of EU27, Annex I and every EPCI", async () => {
    const members = async (code: string) =>
      (
        await t.db.query<{ n: number }>(
          `select count(*)::int as n from group_member m join territory g on g.id = m.group_id where g.code = $1`,
          [code],
        )
      )[0].n;
    expect(await members("EU27")).toBe(27);
    expect(await members("ANNEX1")).toBe(42);
    expect((await findTerritory(t.db, "EU"))?.code).toBe("EU27");
    expect((await codesAt("group")).filter((c) => c.startsWith("FR-EPCI-")).length).toBe(epci.length);
    const brestMetropole = await findTerritory(t.db, "epci:242900314");
    expect(brestMetropole).toMatchObject({ code: "FR-EPCI-242900314", level: "group", parentId: null });
    expect(await members("FR-EPCI-242900314")).toBe(8);
  });

  it("keeps a closure row for every ancestor of every tree node", async () => {
    const [{ n }] = await t.db.query<{ n: number }>(
      `select count(*)::int as n from territory t
       where t.depth <> (select count(*) from territory_ancestor a where a.territory_id = t.id)`,
    );
    expect(n).toBe(0);
  });

  it("reports unchanged on a second run and changes no row", async () => {
    const before = await counts(t);
    const [{ ids }] = await t.db.query<{ ids: string }>(
      `select string_agg(code || id, ',' order by id) as ids from territory`,
    );
    const second = await runConnector(t.db, territories, { config: t.config });
    expect(second.status).toBe("unchanged");
    expect(second.releaseId).toBe(first.releaseId);
    expect(await counts(t)).toEqual(before);
    const [after] = await t.db.query<{ ids: string }>(
      `select string_agg(code || id, ',' order by id) as ids from territory`,
    );
    expect(after.ids).toBe(ids);
  });

  it("keeps every territory id when a new release of an input is loaded", async () => {
    const before = await counts(t);
    const [{ ids }] = await t.db.query<{ ids: string }>(
      `select string_agg(code || id, ',' order by id) as ids from territory`,
    );
    // the same rows with one more line ending: a new hash, so a full load over the existing rows
    const copy = path.join(t.config.dataDir, "UNSD-fr.csv");
    fs.mkdirSync(t.config.dataDir, { recursive: true });
    fs.writeFileSync(copy, Buffer.concat([sample("unsdFr"), Buffer.from("\n")]));
    const third = await runConnector(t.db, territories, { config: t.config, files: { unsdFr: copy } });
    expect(third.error).toBeUndefined();
    expect(third.status).toBe("succeeded");
    expect(third.releaseId).not.toBe(first.releaseId);
    expect(await counts(t)).toEqual(before);
    const [after] = await t.db.query<{ ids: string }>(
      `select string_agg(code || id, ',' order by id) as ids from territory`,
    );
    expect(after.ids).toBe(ids);
  });
});
