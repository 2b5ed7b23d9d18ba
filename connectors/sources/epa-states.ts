// US EPA inventory by state, GHG totals (t CO2e, AR4 GWP100 as the US inventory), 1990-2020, via OpenClimate.
import { specConnector } from "../engine/spec.ts";
import { openClimateSpec } from "./openclimate.ts";

/** the file's one series -> canonical sector (gross emissions, sinks not deducted) */
const SECTOR: [string, string] = ["state GHG total", "TOTAL_EXCL_LULUCF"];

export const epaStates = specConnector(
  openClimateSpec({
    id: "epa-states",
    description: "US EPA Inventory of GHG emissions by state (t CO2e, AR4), 1990-2020, via OpenClimate",
    prefix: "EPA_GHG_inventory",
    upstreamFolder: "EPA",
    source: {
      name: "Inventory of U.S. Greenhouse Gas Emissions and Sinks by State (OpenClimate)",
      publisher: "U.S. Environmental Protection Agency, harmonised by OpenClimate (Open Earth Foundation)",
      url: "https://www.epa.gov/ghgemissions/state-ghg-emissions-and-removals",
      licence: "US public domain; repository Apache-2.0",
      citation:
        "EPA. (2022). Methodology Report: Inventory of U.S. Greenhouse Gas Emissions and Sinks by State: 1990–2020. U.S. Environmental Protection Agency, EPA 430-R-22-005.",
      method: "reported-inventory",
    },
    sector: SECTOR,
    gas: "GHG",
    gwp: "AR4_100",
  }),
);
