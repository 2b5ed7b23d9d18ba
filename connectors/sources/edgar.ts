// EDGAR v5.0 (EC-JRC): fossil CO2 by country and sector, 1970-2018, in Mt CO2 (long layout).
// EDGAR merges some countries with a neighbour (FRA_MCO = France + Monaco): each merged code is
// mapped onto its main country, whose figure then includes the small one (documented in
// docs/connectors.md). International aviation (AIR) and shipping (SEA) are bunkers: they become
// World rows of the bunker memo sectors, not territories.
import { type SpecHooks, specConnector } from "../engine/spec.ts";

/** EDGAR sector -> canonical sector */
const CROSSWALK = {
  "Power Industry": "1.A.1",
  "Other industrial combustion": "1.A.2",
  Transport: "1.A.3",
  Buildings: "1.A.4",
  "Other sectors": "5",
  "International aviation": "M.BK.A",
  "International shipping": "M.BK.M",
} as const;

/** Merged EDGAR codes -> the main country (territory.code) */
const MERGED_CODES = {
  FRA_MCO: "FR",
  CHE_LIE: "CH",
  ESP_AND: "ES",
  ITA_SMR_VAT: "IT",
  ISR_PSE: "IL",
  SDN_SSD: "SD",
  SRB_MNE: "RS",
  CSXX: "RS",
} as const;

/** Bunker codes -> the sector their emissions go to, on World */
const BUNKERS: Record<string, string> = { AIR: "International aviation", SEA: "International shipping" };

const hooks: SpecHooks = {
  record(values) {
    const bunker = BUNKERS[values.Code];
    return bunker ? { ...values, Code: "001", Sector: bunker } : values;
  },
};

export const edgar = specConnector(
  {
    id: "edgar",
    description: "EDGAR v5.0: fossil CO2 emissions by country and sector (Mt CO2), 1970-2018",
    source: {
      name: "Emissions Database for Global Atmospheric Research (EDGAR) v5.0, fossil CO2",
      publisher: "European Commission, Joint Research Centre (EC-JRC)",
      url: "https://edgar.jrc.ec.europa.eu/overview.php?v=booklet2018",
      licence: "EC-JRC: free use with attribution",
      citation:
        "Crippa, M. et al. (2019). Fossil CO2 and GHG emissions of all world countries. EUR 29849 EN, Publications Office of the European Union. doi:10.2760/687800",
      method: "bottom-up",
    },
    inputs: {
      data: {
        sample: "emissions/edgar/edgar-co2-emissions.csv",
        upstream:
          "https://raw.githubusercontent.com/openclimatedata/edgar-co2-emissions/master/data/edgar-co2-emissions.csv",
      },
    },
    schedule: "0 4 1 * *",
    format: { type: "csv", encoding: "utf-8" },
    layout: { kind: "long", year: "Year", value: "Emissions" },
    territory: { column: "Code", schemes: ["alpha3", "code"], aliases: MERGED_CODES },
    sector: { column: "Sector", crosswalk: CROSSWALK },
    gas: { fixed: "CO2" },
    unit: { fixed: "Mt CO2" },
    release: { version: "EDGARv5.0_FT2018" },
  },
  hooks,
);
