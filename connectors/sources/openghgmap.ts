// openGHGMap R2021A (NTNU), as harmonised by OpenClimate: 2018 CO2 of 34 European countries, their
// ISO 3166-2 regions and departments, and 4,460 cities by UN/LOCODE ("FR BES"). The cities are not
// in the territory reference, so this connector creates them, inside its load transaction: level
// city, code and name the UN/LOCODE (the file gives no name), under the country that begins the
// code. openGHGmap_region_codes_20230105.csv only names regions, never a city's region, so a city
// hangs under its country, not a region.
//
// The file has 37 actors twice with different values (GB, FR-93...): both rows of each pair are
// rejected as a conflict, not one picked. FR-IDF (32.8 Mt) is far below the sum of its departments
// (74.6 Mt): loaded as published.
import type { Sql } from "../../db/client.ts";
import { readCsv } from "../engine/parse.ts";
import { fileLabel, type SpecHooks, specConnector } from "../engine/spec.ts";
import { addLeavesToClosure } from "../reference/territories.ts";
import { OPENCLIMATE_LICENCE, openClimateSpec } from "./openclimate.ts";

/** the file's one series -> canonical sector: openGHGMap estimates CO2 from fossil fuels and industry */
const SECTOR: [string, string] = ["total CO2", "TOTAL_EXCL_LULUCF"];

/** A UN/LOCODE as openGHGMap writes it: country alpha-2, a space, three letters or digits */
export const UNLOCODE = /^([A-Z]{2}) ([A-Z2-9]{3})$/;

/** Creates the city territories the file names and the reference lacks; returns how many were new. */
export async function createCities(sql: Sql, codes: string[]): Promise<number> {
  const cities = [...new Set(codes)].filter((c) => UNLOCODE.test(c));
  if (!cities.length) return 0;
  const created = await sql.query<{ id: number }>(
    `insert into territory (code, level, name, parent_id, depth)
     select c, 'city', c, p.id, p.depth + 1
     from unnest($1::text[]) as c join territory p on p.code = left(c, 2) and p.level = 'country'
     on conflict (code) do nothing
     returning id`,
    [cities],
  );
  await sql.query(
    `insert into territory_identifier (territory_id, scheme, value)
     select t.id, 'unlocode', t.code from territory t where t.code = any($1) and t.level = 'city'
     on conflict (scheme, value) do nothing`,
    [cities],
  );
  await addLeavesToClosure(sql, cities);
  return created.length;
}

const hooks: SpecHooks = {
  async beforeLoad(ctx) {
    const table = await readCsv(
      ctx.files.data.path,
      { expectColumns: ["actor_id"] },
      fileLabel(ctx.files.data.location),
    );
    const codes: string[] = [];
    for await (const r of table.records) codes.push(r.values.actor_id);
    await createCities(ctx.tx, codes);
  },
};

export const openghgmap = specConnector(
  {
    ...openClimateSpec({
      id: "openghgmap",
      description:
        "openGHGMap R2021A: 2018 CO2 of European countries, ISO 3166-2 regions and departments, and cities (UN/LOCODE), via OpenClimate",
      prefix: "openGHGMap_R2021A",
      upstreamFolder: "openGHGmap",
      source: {
        name: "European openGHGMap R2021A (OpenClimate)",
        publisher: "NTNU Industrial Ecology Programme, harmonised by OpenClimate (Open Earth Foundation)",
        url: "https://openghgmap.net/data/",
        licence: `ODbL; ${OPENCLIMATE_LICENCE}`,
        citation:
          "Moran, D. et al. (2022). Estimating CO2 emissions for 108 000 European cities. Earth System Science Data 14, 845-864. https://doi.org/10.5194/essd-14-845-2022",
        method: "bottom-up",
      },
      sector: SECTOR,
      gas: "CO2",
      gwp: null,
      schedule: "0 6 1 1 *",
    }),
    // bottom-up estimates of fossil and industrial CO2: a negative figure is a corrupt cell
    nonNegative: true,
  },
  hooks,
);
