// US EIA energy-related CO2 by state (t CO2), 1970-2021, via OpenClimate: fuel combustion only.
import { specConnector } from "../engine/spec.ts";
import { openClimateSpec } from "./openclimate.ts";

/** the file's one series -> canonical sector */
const SECTOR: [string, string] = ["energy-related CO2", "1.A"];

export const eiaStates = specConnector(
  openClimateSpec({
    id: "eia-states",
    description: "US EIA state energy-related CO2 emissions (t CO2), 1970-2021, via OpenClimate",
    prefix: "EIA2023",
    upstreamFolder: "EIA",
    source: {
      name: "State energy-related carbon dioxide emissions by year (OpenClimate)",
      publisher: "U.S. Energy Information Administration, harmonised by OpenClimate (Open Earth Foundation)",
      url: "https://www.eia.gov/environment/emissions/state/",
      licence: "US public domain; repository Apache-2.0",
      citation:
        "U.S. EIA (2023). State energy-related carbon dioxide emissions by year, 1970-2021. https://www.eia.gov/environment/emissions/state/",
      method: "compilation",
    },
    sector: SECTOR,
    gas: "CO2",
    gwp: null,
  }),
);
