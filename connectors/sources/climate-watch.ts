// Shared by the three Climate Watch connectors (climate-watch-cait, unfccc-annex1, unfccc-non-annex1).
// Climate Watch (WRI) files: CAIT historical emissions and the UNFCCC inventories as Climate Watch
// republishes them (Annex I and non-Annex I). Same shape: one record per country (a name, not a
// code) x sector x gas, a column per year (newest first), every value in MtCO2e.
//
// GWP sets (emission.gwp). Every value, even of one gas (CH4, CO2), is CO2e, so it is stored as
// CO2e under the set the inventory used: climate-watch/sources.csv names none for these three
// sources, so the set is the reporting rule each follows:
// - CAIT: AR4 GWP100 (Climate Watch computes its data with AR4 values, as sources.csv says of PIK).
// - UNFCCC Annex I (2020 submissions): AR4 GWP100, required by decision 24/CP.19.
// - UNFCCC non-Annex I (national communications and BURs): SAR GWP100, per decision 17/CP.8.
import type { Spec, SpecInput } from "../engine/spec.ts";

/** Climate Watch country names -> territory.code, where they differ from the reference's names. */
const NAME_ALIASES = {
  World: "001",
  "European Union (27)": "EU27",
  "Annex-I Parties to the Convention": "ANNEX1",
  "United States": "US",
  "United Kingdom": "GB",
  "Czech Republic": "CZ",
  Turkey: "TR",
  "Côte d'Ivoire": "CI",
  Macedonia: "MK",
  "Republic of Congo": "CG",
  Russia: "RU",
  Iran: "IR",
  Bolivia: "BO",
  Venezuela: "VE",
  Tanzania: "TZ",
  Syria: "SY",
  Laos: "LA",
  Vietnam: "VN",
  Moldova: "MD",
  "South Korea": "KR",
  "North Korea": "KP",
  Micronesia: "FM",
  "Democratic Republic of the Congo": "CD",
  Brunei: "BN",
  "Cape Verde": "CV",
  Swaziland: "SZ",
  Eswatini: "SZ",
  "Saint Kitts and Nevis": "KN",
  "Saint Lucia": "LC",
  "Saint Vincent and the Grenadines": "VC",
  Palestine: "PS",
} as const;

export const CLIMATE_WATCH = {
  publisher: "World Resources Institute (Climate Watch)",
  url: "https://www.climatewatchdata.org/ghg-emissions",
} as const;

/** The part of the spec the three files share. */
export function climateWatchSpec(
  over: Pick<SpecInput, "id" | "description" | "source" | "inputs" | "gwp" | "release"> & {
    crosswalk: Record<string, string>;
  },
): SpecInput {
  return {
    id: over.id,
    description: over.description,
    source: over.source,
    inputs: over.inputs,
    schedule: "0 5 1 * *",
    format: { type: "csv", encoding: "utf-8" },
    layout: { kind: "wide", years: "four-digit-headers" },
    territory: { column: "Country", schemes: ["name", "alias"], aliases: NAME_ALIASES },
    sector: { column: "Sector", crosswalk: over.crosswalk },
    gas: { column: "Gas" },
    unit: { column: "Unit" },
    gwp: over.gwp,
    nullMarkers: ["", "N/A"],
    release: over.release,
  };
}

export const climateWatchUpstream = (file: string) =>
  `https://raw.githubusercontent.com/OpenGeoScales/ogs-data-exploration/main/data/climate-watch/${file}`;

export const UNFCCC_SOURCE = {
  name: "UNFCCC GHG inventory data (via Climate Watch)",
  ...CLIMATE_WATCH,
  licence: "UNFCCC: free use with attribution",
  citation:
    "UNFCCC. 2020. Greenhouse Gas Inventory Data - Detailed data by Party. Accessed Feb 2021. https://di.unfccc.int/detailed_data_by_party",
  method: "reported-inventory",
} satisfies Spec["source"];
