// Reference rows that come from no file: the canonical sector tree (IPCC 2006 categories, the
// totals and organisation scopes) and the gases and baskets the connectors map onto.
// Upserted after every migration; running it again changes nothing.
import type { Sql } from "./client.ts";

/** [code, name, parent code] in tree order (a parent before its children) */
export const CANONICAL_SECTORS: [string, string, string | null][] = [
  ["TOTAL_INCL_LULUCF", "Total including LULUCF", null],
  ["TOTAL_EXCL_LULUCF", "Total excluding LULUCF", null],
  ["1", "Energy", null],
  ["1.A", "Fuel combustion activities", "1"],
  ["1.A.1", "Energy industries", "1.A"],
  ["1.A.2", "Manufacturing industries and construction", "1.A"],
  ["1.A.3", "Transport", "1.A"],
  ["1.A.4", "Other sectors (commercial, residential, agriculture)", "1.A"],
  ["1.A.4.b", "Residential", "1.A.4"],
  ["1.A.5", "Non-specified fuel combustion", "1.A"],
  ["1.B", "Fugitive emissions from fuels", "1"],
  ["1.B.1", "Solid fuels", "1.B"],
  ["1.B.2", "Oil and natural gas", "1.B"],
  ["1.C", "Carbon dioxide transport and storage", "1"],
  ["2", "Industrial processes and product use", null],
  ["2.A", "Mineral industry", "2"],
  ["2.A.1", "Cement production", "2.A"],
  ["2.B", "Chemical industry", "2"],
  ["2.C", "Metal industry", "2"],
  ["2.D", "Non-energy products from fuels and solvent use", "2"],
  ["2.F", "Product uses as substitutes for ozone depleting substances", "2"],
  ["2.G", "Other product manufacture and use", "2"],
  ["2.H", "Other industrial processes", "2"],
  ["3", "Agriculture, forestry and other land use", null],
  ["3.AGR", "Agriculture (3.A livestock, 3.C aggregate sources and non-CO2 emissions on land)", "3"],
  ["3.A", "Livestock", "3.AGR"],
  ["3.C", "Aggregate sources and non-CO2 emissions sources on land", "3.AGR"],
  ["3.B", "Land use, land-use change and forestry (LULUCF)", "3"],
  ["4", "Waste", null],
  ["4.A", "Solid waste disposal", "4"],
  ["4.C", "Incineration and open burning of waste", "4"],
  ["4.D", "Wastewater treatment and discharge", "4"],
  ["5", "Other", null],
  ["M.BK", "International bunkers (memo item)", null],
  ["M.BK.A", "International aviation", "M.BK"],
  ["M.BK.M", "International navigation", "M.BK"],
  ["SCOPE1", "Scope 1: direct emissions", null],
  ["SCOPE2", "Scope 2: indirect emissions from energy", null],
  ["SCOPE3", "Scope 3: other indirect emissions", null],
];

/** [code, name, is a basket] */
export const CORE_GASES: [string, string, boolean][] = [
  ["CO2", "Carbon dioxide", false],
  ["CH4", "Methane", false],
  ["N2O", "Nitrous oxide", false],
  ["SF6", "Sulphur hexafluoride", false],
  ["NF3", "Nitrogen trifluoride", false],
  ["HFCS", "Hydrofluorocarbons (basket)", true],
  ["PFCS", "Perfluorocarbons (basket)", true],
  ["FGASES", "Fluorinated gases (HFCs, PFCs, SF6, NF3)", true],
  ["GHG", "All greenhouse gases (Kyoto basket)", true],
  ["CO2_BIO", "Biogenic carbon dioxide (memo)", false],
  ["OTHER", "Other greenhouse gases (basket)", true],
];

export async function seed(sql: Sql): Promise<void> {
  for (const [code, name, parent] of CANONICAL_SECTORS) {
    await sql.query(
      `insert into sector (code, name, parent_id) values ($1, $2, (select id from sector where code = $3))
       on conflict (code) do update set name = excluded.name, parent_id = excluded.parent_id
       where sector.name is distinct from excluded.name or sector.parent_id is distinct from excluded.parent_id`,
      [code, name, parent],
    );
  }
  await sql.query(
    `insert into gas (code, name, is_basket) select * from unnest($1::text[], $2::text[], $3::bool[])
     on conflict (code) do nothing`,
    [CORE_GASES.map((g) => g[0]), CORE_GASES.map((g) => g[1]), CORE_GASES.map((g) => g[2])],
  );
}
