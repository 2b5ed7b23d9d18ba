// Our World in Data CO2 and GHG dataset (2020 edition): one record per country (ISO alpha-3, or
// OWID_* codes and plain names for aggregates) and year. Loaded: production-based CO2 and CO2 by
// fuel (Mt CO2, masses), methane, nitrous oxide and total GHG (Mt CO2e, from CAIT: AR4 GWP100,
// totals including land-use change as CAIT's), and population and GDP into `indicator`. Not
// loaded: per-capita, per-GDP, shares, growth and cumulative columns (ratios, not emissions),
// consumption-based CO2 (another accounting) and energy.
import { specConnector } from "../engine/spec.ts";

/** OWID column -> canonical sector (the column name is the source sector) */
const CROSSWALK = {
  co2: "TOTAL_EXCL_LULUCF",
  coal_co2: "1.A",
  oil_co2: "1.A",
  gas_co2: "1.A",
  cement_co2: "2.A.1",
  flaring_co2: "1.B.2",
  methane: "TOTAL_INCL_LULUCF",
  nitrous_oxide: "TOTAL_INCL_LULUCF",
  total_ghg: "TOTAL_INCL_LULUCF",
} as const;

/** OWID aggregates written as names (iso_code empty) -> territory.code */
const ALIASES = {
  "EU-27": "EU27",
  Africa: "002",
  Asia: "142",
  Europe: "150",
  Oceania: "009",
  "South America": "005",
  OWID_KOS: "XK",
  Macao: "MO",
};

/** Names of OWID aggregates that are no territory of the reference */
const NOT_TERRITORIES = {
  "Asia (excl. China & India)": "is an OWID aggregate, not a territory",
  "EU-28": "is an OWID aggregate (EU with the UK), not a territory",
  "Europe (excl. EU-27)": "is an OWID aggregate, not a territory",
  "Europe (excl. EU-28)": "is an OWID aggregate, not a territory",
  "North America": "is an OWID continent (with Central America) with no M49 equivalent",
  "North America (excl. USA)": "is an OWID aggregate, not a territory",
  OECD: "is a group of countries not in the reference",
  "Non-OECD": "is a group of countries not in the reference",
  "KP Annex B": "is a group of countries not in the reference",
  "Non KP Annex B": "is a group of countries not in the reference",
  "International transport": "is international bunkers, not a territory",
  "Statistical Difference": "is GCP's statistical difference, not a territory",
};

const co2 = (sector: keyof typeof CROSSWALK) => ({ sector, gas: "CO2", unit: "MtCO2", gwp: null });
const co2e = (sector: keyof typeof CROSSWALK, gas: string) => ({
  sector,
  gas,
  unit: "MtCO2e",
  gwp: "AR4_100" as const,
});

export const owid = specConnector({
  id: "owid",
  description: "Our World in Data CO2 and GHG emissions by country (2020 edition), with population and GDP",
  source: {
    name: "Our World in Data CO2 and Greenhouse Gas Emissions dataset",
    publisher: "Our World in Data",
    url: "https://github.com/owid/co2-data",
    licence: "CC BY 4.0",
    citation:
      "Hannah Ritchie, Max Roser and Pablo Rosado (2020). CO2 and Greenhouse Gas Emissions. Published online at OurWorldInData.org. https://ourworldindata.org/co2-and-other-greenhouse-gas-emissions",
    method: "compilation",
  },
  inputs: {
    data: {
      sample: "emissions/owid/owid-co2-data.csv",
      upstream: "https://raw.githubusercontent.com/owid/co2-data/master/owid-co2-data.csv",
    },
  },
  schedule: "0 5 * * 1",
  format: { type: "csv", encoding: "utf-8" },
  layout: {
    kind: "measures",
    year: "year",
    measures: {
      co2: co2("co2"),
      coal_co2: co2("coal_co2"),
      oil_co2: co2("oil_co2"),
      gas_co2: co2("gas_co2"),
      cement_co2: co2("cement_co2"),
      flaring_co2: co2("flaring_co2"),
      methane: co2e("methane", "CH4"),
      nitrous_oxide: co2e("nitrous_oxide", "N2O"),
      total_ghg: co2e("total_ghg", "GHG"),
    },
  },
  territory: {
    column: "iso_code",
    fallbackColumn: "country",
    schemes: ["alpha3", "alias", "name"],
    aliases: ALIASES,
    skip: NOT_TERRITORIES,
  },
  sector: { crosswalk: CROSSWALK },
  indicators: {
    population: { indicator: "population", unit: "persons" },
    gdp: { indicator: "gdp", unit: "international-$ (2011 prices)" },
  },
  release: { version: "owid-co2-2020" },
});
