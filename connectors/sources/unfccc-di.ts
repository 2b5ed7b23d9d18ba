// UNFCCC Data Interface (DI): GHG inventories by Party, IPCC category and gas. One connector, two
// shapes of one source:
// - the non-Annex I CSV (openclimatedata's export of the DI): Party names, the IPCC 1996 tree as
//   "Parent Category" / "Category", gases with Unicode subscripts, a unit per row (Gg: a mass;
//   Gg CO₂ equivalent), years as columns. One category is listed under several parents (views of
//   one tree) with identical values: loaded once, counted as duplicates.
// - raw DI API answers for Annex I (1.AA fuel combustion, CO₂ and aggregate GHGs): `{columns, data,
//   generated}`, parties, years and units by id, resolved through the API's lookup lists
//   (parties.json, gases.json, years.json). This is the shape an API connector meets: the hook
//   below flattens it into the CSV's wide shape and the one spec maps both.
//
// GWP: non-Annex I Parties report under the 1996 guidelines with SAR (AR2) GWP100: in this file
// 4,692 of 4,699 aggregate values with CO₂, CH₄ and N₂O and no F-gases equal CO₂ + 21 CH₄ + 310 N₂O
// to 0.1% (Afghanistan 1.A 2005: 2910.04 + 21 x 33.0165 + 310 x 0.41885 = 3733.23); Annex I
// inventories since the 2015 submissions use AR4 GWP100 (decision 24/CP.19). Both CO₂e sets are
// stored as such; masses (Gg) are stored as masses, with no GWP set.
import { z } from "zod";
import { combineConnectors } from "../engine/combine.ts";
import { type CsvRecord, ParseError, readCsv, readJson } from "../engine/parse.ts";
import { fileLabel, type SpecInput, specConnector } from "../engine/spec.ts";
import type { LoadContext } from "../types.ts";

const CSV_CATEGORY = "Category";

/** DI category (IPCC 1996 guidelines, as published) -> canonical sector (IPCC 2006 based, db/seed.ts) */
const CROSSWALK = {
  "Total GHG emissions including LULUCF/LUCF": "TOTAL_INCL_LULUCF",
  "Total GHG emissions excluding LULUCF/LUCF": "TOTAL_EXCL_LULUCF",
  "1. Energy": "1",
  "1.A Fuel Combustion - Sectoral Approach": "1.A",
  "1.A.1 Energy Industries": "1.A.1",
  "1.A.2 Manufacturing Industries and Construction": "1.A.2",
  "1.A.3 Transport": "1.A.3",
  "1.A.4 Other Sectors": "1.A.4",
  "1.A.5 Other (Not elsewhere specified)": "1.A.5",
  "1.B Fugitive Emissions from Fuels": "1.B",
  "1.B.1 Solid Fuels": "1.B.1",
  "1.B.2 Oil and Natural Gas": "1.B.2",
  "2. Industrial Processes": "2",
  "2.A Mineral Products": "2.A",
  "2.B Chemical Industry": "2.B",
  "2.C Metal Production": "2.C",
  // 1996 2.D is pulp and paper, food and drink: 2006 2.H; 1996 2.E (halocarbon production) is 2006 2.B.9
  "2.D Other Production": "2.H",
  "2.E Production of Halocarbons and SF₆": "2.B",
  "2.F Consumption of Halocarbons and SF₆": "2.F",
  "2.G Other": "2.H",
  "3. Solvent and Other Product Use": "2.D",
  "4. Agriculture": "3.AGR",
  "4.A Enteric Fermentation": "3.A",
  "4.B Manure Management": "3.A",
  "4.C Rice Cultivation": "3.C",
  "4.D Agricultural Soils": "3.C",
  "4.E Prescribed Burning of Savannas": "3.C",
  "4.F Field Burning of Agricultural Residues": "3.C",
  "5. Land-Use Change and Forestry": "3.B",
  "6. Waste": "4",
  "6.A Solid Waste Disposal on Land": "4.A",
  "6.B Wastewater Handling": "4.D",
  "6.C Waste Incineration": "4.C",
  "7. Other": "5",
  "International Bunkers": "M.BK",
  Aviation: "M.BK.A",
  Marine: "M.BK.M",
  // memo item: CO₂ of biomass burnt for energy, loaded as gas CO2_BIO (outside the GHG basket)
  "CO₂ Emissions from Biomass": "1.A",
  // the API answers' categories (Annex I, CRF names with their double spaces)
  "1.AA  Fuel Combustion - Sectoral approach": "1.A",
  "1.A.1  Energy Industries": "1.A.1",
  "1.A.2  Manufacturing Industries and Construction": "1.A.2",
  "1.A.3  Transport": "1.A.3",
  "1.A.4  Other Sectors": "1.A.4",
  "1.A.5  Other (Not specified elsewhere)": "1.A.5",
} as const;

/**
 * Categories whose nearest canonical sector is their parent's (the canonical tree has no 3.B, 3.D
 * or 4.E children): loaded, they would be counted twice in every sum of that sector. Not loaded,
 * reported once each.
 */
const NOT_LOADED: Record<string, string> = {
  "4.G Other": "is part of 4. Agriculture, whose canonical sector 3.AGR has no child for it",
  "5.A Changes in Forest and Other Woody Biomass Stocks":
    "is part of 5. Land-Use Change and Forestry (3.B), which has no canonical children",
  "5.B Forest and Grassland Conversion":
    "is part of 5. Land-Use Change and Forestry (3.B), which has no canonical children",
  "5.C Abandonment of Managed Lands":
    "is part of 5. Land-Use Change and Forestry (3.B), which has no canonical children",
  "5.D CO₂ Emissions and Removals from Soil":
    "is part of 5. Land-Use Change and Forestry (3.B), which has no canonical children",
  "5.E Other": "is part of 5. Land-Use Change and Forestry (3.B), which has no canonical children",
  "6.D Other": "is part of 6. Waste, whose canonical sector 4 has no child for it",
};

const BIOMASS = "CO₂ Emissions from Biomass";

/** DI gas name -> gas code */
const GASES = {
  "CO₂": "CO2",
  "CH₄": "CH4",
  "N₂O": "N2O",
  "SF₆": "SF6",
  "NF₃": "NF3",
  HFCs: "HFCS",
  PFCs: "PFCS",
  "Aggregate F-gases": "FGASES",
  "Aggregate GHGs": "GHG",
  [BIOMASS]: "CO2_BIO",
};

/** DI Parties that are not territories of the tree: reported once each, not loaded */
const SKIP = {
  EUA: "is the European Union (Convention) inventory, whose membership is not the EU27 group's in every submission",
  EUC: "is the European Union (KP) inventory (EU + Iceland), not a territory",
};

/**
 * API unit ids. The bundled lookups do not list units; these are read from the values (France 1.AA
 * CO₂ 2018 = 300,084 under unit 5: 300 Mt, so Gg) and from the query (aggregate GHGs: CO₂e).
 */
const API_UNITS: Record<number, string> = { 5: "Gg", 140: "Gg CO₂ equivalent" };

/** The API answers: which gas (id in gases.json, annexOne) each query asked for. */
const API_ANSWERS = { apiCo2: { gasId: 10469 }, apiGhg: { gasId: 10467 } } as const;

/** Values the DI writes instead of a number: not occurring, not estimated, included elsewhere... */
const NOTATION_KEYS = /^(NO|NE|NA|IE|C|NO,IE|NO,NE|NE,IE|NA,NO|NO,NA)(,\s*(NO|NE|NA|IE|C))*$/;

const YEARS = Array.from({ length: 30 }, (_, i) => String(1990 + i));

const DI_API = "https://di.unfccc.int/api";
const MIRROR =
  "https://raw.githubusercontent.com/openclimatedata/unfccc-detailed-data-by-party/fc42009a475ca11a671e9e4f8dbd68b45a33f319";
const answerUrl = (gas: string) =>
  `${MIRROR}/archive/annex-one/${encodeURIComponent(`1. Energy___1.AA Fuel Combustion - Sectoral approach___${gas}.json`)}`;

const lookupParty = z.object({ id: z.number(), code: z.string(), name: z.string() });
const partiesSchema = z.array(z.object({ name: z.string(), parties: z.array(lookupParty) }));
const gasesSchema = z.object({ annexOne: z.array(z.object({ id: z.number(), name: z.string() })) });
const yearsSchema = z.object({ annexOne: z.array(z.object({ name: z.string(), yearIds: z.array(z.number()) })) });
const answerSchema = z.object({
  columns: z.array(z.object({ id: z.number(), name: z.string() })),
  generated: z.string(),
  data: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      rows: z.array(
        z.object({
          name: z.string(),
          unitId: z.number(),
          cells: z.array(
            z.object({
              column: z.number(),
              numberValue: z.number().nullable().optional(),
              stringValue: z.string().nullable().optional(),
            }),
          ),
        }),
      ),
    }),
  ),
});

/** Reads a JSON input and checks its shape; a mismatch names the file and the path. */
async function readInput<T>(ctx: LoadContext, input: string, schema: z.ZodType<T>): Promise<T> {
  const raw = ctx.files[input];
  const file = fileLabel(raw.location);
  const parsed = schema.safeParse(await readJson(raw.path, file));
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new ParseError(file, 1, `not a DI API answer: ${i.path.join(".") || "(root)"}: ${i.message}`);
  }
  return parsed.data;
}

/** Year of an API column: "1990" -> 1990, "Last Inventory Year (2019)" -> 2019, "Base year" -> none */
export function apiYear(name: string): string | undefined {
  const m = /^(\d{4})$/.exec(name) ?? /\((\d{4})\)\s*$/.exec(name);
  return m?.[1];
}

/** The API answers as wide records (Party as its alpha-3 code, one column per year). */
export async function* apiRecords(ctx: LoadContext): AsyncGenerator<CsvRecord> {
  const parties = await readInput(ctx, "parties", partiesSchema);
  const gases = await readInput(ctx, "gases", gasesSchema);
  const years = await readInput(ctx, "years", yearsSchema);
  const partyCode = new Map(parties.flatMap((g) => g.parties).map((p) => [p.id, p.code]));
  const gasName = new Map(gases.annexOne.map((g) => [g.id, g.name]));
  const knownYearIds = new Set(years.annexOne.flatMap((g) => g.yearIds));
  for (const [input, { gasId }] of Object.entries(API_ANSWERS)) {
    const file = fileLabel(ctx.files[input].location);
    const answer = await readInput(ctx, input, answerSchema);
    const gas = gasName.get(gasId);
    if (!gas)
      throw new ParseError(fileLabel(ctx.files.gases.location), 1, `no gas with id ${gasId} in the annexOne list`);
    const columns = new Map(answer.columns.map((c) => [c.id, c.name]));
    let line = 0;
    for (const [p, party] of answer.data.entries()) {
      for (const [r, row] of party.rows.entries()) {
        line++;
        const at = `data[${p}].rows[${r}]`;
        const code = partyCode.get(party.id);
        const unit = API_UNITS[row.unitId];
        if (!unit) {
          ctx.reject({
            file,
            line,
            column: `${at}.unitId`,
            reason: `unknown unit id ${row.unitId} (known: ${Object.keys(API_UNITS).join(", ")})`,
          });
          continue;
        }
        const values: Record<string, string> = {
          Party: code ?? party.name,
          [CSV_CATEGORY]: row.name,
          Gas: gas,
          Unit: unit,
          json: at,
        };
        for (const [c, cell] of row.cells.entries()) {
          const name = columns.get(cell.column);
          if (name === undefined || !knownYearIds.has(cell.column)) {
            ctx.reject({
              file,
              line,
              column: `${at}.cells[${c}]`,
              reason: `unknown year id ${cell.column}: not in columns and years.json`,
            });
            continue;
          }
          const year = apiYear(name);
          if (!year) continue; // the base year repeats a year's value under another name
          if (typeof cell.numberValue === "number") values[year] = String(cell.numberValue);
          else if (cell.stringValue && !NOTATION_KEYS.test(cell.stringValue.trim())) values[year] = cell.stringValue;
        }
        yield { line, values, file };
      }
    }
  }
}

/** The non-Annex I CSV, Party names resolved to alpha-3 through the API's party list. */
async function* csvRecords(ctx: LoadContext): AsyncGenerator<CsvRecord> {
  const parties = await readInput(ctx, "parties", partiesSchema);
  const codeOf = new Map(parties.flatMap((g) => g.parties).map((p) => [p.name, p.code]));
  const raw = ctx.files.csv;
  const file = fileLabel(raw.location);
  const table = await readCsv(
    raw.path,
    {
      expectColumns: ["Party", "Parent Category", CSV_CATEGORY, "Gas", "Unit"],
      checkHeader: (h) => (h.some((c) => /^\d{4}$/.test(c)) ? [] : ["(a 4-digit year column)"]),
    },
    file,
  );
  const notLoaded = new Map<string, { line: number; values: number }>();
  for await (const record of table.records) {
    const v = record.values;
    const category = v[CSV_CATEGORY]?.trim() ?? "";
    if (category in NOT_LOADED) {
      const n = YEARS.filter((y) => v[y]?.trim()).length;
      const seen = notLoaded.get(category);
      if (seen) seen.values += n;
      else notLoaded.set(category, { line: record.line, values: n });
      continue;
    }
    // the biomass memo item's "Aggregate GHGs" row repeats its CO₂ as CO₂e: loading it would put
    // biomass CO₂ into the energy sector's GHG basket, so only the CO₂ row (as CO2_BIO) is kept
    if (category === BIOMASS && v.Gas !== "CO₂") continue;
    const party = v.Party?.trim() ?? "";
    const gas = category === BIOMASS ? BIOMASS : v.Gas;
    yield { line: record.line, values: { ...v, Party: codeOf.get(party) ?? party, Gas: gas }, file };
  }
  for (const [category, s] of notLoaded)
    ctx.reject({
      file,
      line: s.line,
      column: CSV_CATEGORY,
      reason: `not loaded: "${category}" ${NOT_LOADED[category]} (${s.values} values, first at this line)`,
    });
}

async function release(ctx: LoadContext): Promise<{ version?: string; publishedOn?: Date }> {
  const answer = await readInput(ctx, "apiCo2", z.object({ generated: z.string() }));
  const m = /(\d{1,2}) (\w+) (\d{4})/.exec(answer.generated);
  const date = m ? new Date(`${m[1]} ${m[2]} ${m[3]} UTC`) : undefined;
  if (!date || Number.isNaN(date.getTime())) return {};
  return { version: `DI-${date.toISOString().slice(0, 10)}`, publishedOn: date };
}

const spec = {
  id: "unfccc-di",
  description:
    "UNFCCC Data Interface: non-Annex I inventories by party, IPCC category and gas (CSV; Gg, and Gg CO2e under SAR), and Annex I fuel combustion CO2 and GHG from the raw API answers (Gg, Gg CO2e under AR4)",
  source: {
    name: "UNFCCC GHG Data Interface, detailed data by Party",
    publisher: "United Nations Framework Convention on Climate Change (UNFCCC)",
    url: "https://di.unfccc.int/detailed_data_by_party",
    licence: "UNFCCC data: free use with attribution",
    citation:
      "UNFCCC Greenhouse Gas Inventory Data, Detailed data by Party, https://di.unfccc.int; CSV export by openclimatedata/unfccc-detailed-data-by-party",
    method: "reported-inventory",
  },
  inputs: {
    csv: {
      sample: "emissions/unfccc-di/detailed-data-by-country-non-annex-one.csv",
      upstream: `${MIRROR}/data/detailed-data-by-country-non-annex-one.csv`,
    },
    apiCo2: {
      sample: "emissions/unfccc-di/annex-one__1.AA_Fuel_Combustion_Sectoral__CO2.json",
      upstream: answerUrl("CO₂"),
    },
    apiGhg: {
      sample: "emissions/unfccc-di/annex-one__1.AA_Fuel_Combustion_Sectoral__AggregateGHGs.json",
      upstream: answerUrl("Aggregate GHGs"),
    },
    parties: { sample: "emissions/unfccc-di/parties.json", upstream: `${DI_API}/parties` },
    gases: { sample: "emissions/unfccc-di/gases.json", upstream: `${DI_API}/dimension-instances/gas` },
    years: { sample: "emissions/unfccc-di/years.json", upstream: `${DI_API}/years/groups` },
  },
  table: "csv",
  // the DI is refreshed after the April inventory submissions
  schedule: "0 5 20 5 *",
  format: { type: "csv" },
  layout: { kind: "wide", years: YEARS },
  territory: { column: "Party", schemes: ["alpha3", "name"], skip: SKIP },
  sector: { column: CSV_CATEGORY, crosswalk: CROSSWALK },
  gas: { column: "Gas", map: GASES },
  unit: { column: "Unit" },
} satisfies SpecInput;

/** the non-Annex I CSV: CO2e under SAR GWP100 */
const nonAnnexI = specConnector({ ...spec, gwp: "SAR_100" }, { records: async (ctx) => csvRecords(ctx), release });
/** the Annex I API answers: CO2e under AR4 GWP100 */
const annexIApi = specConnector({ ...spec, gwp: "AR4_100" }, { records: async (ctx) => apiRecords(ctx) });

export const unfcccDi = combineConnectors(nonAnnexI, [nonAnnexI, annexIApi]);
