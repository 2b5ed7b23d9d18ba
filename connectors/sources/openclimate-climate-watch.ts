// Climate Watch historical GHG totals by country (t CO2e), 1990-2019, as harmonised by OpenClimate.
// Climate Watch's 2022 release computes CO2e with AR5 GWP100 (it moved from AR4 to AR5 in 2021).
import { specConnector } from "../engine/spec.ts";
import { OPENCLIMATE_LICENCE, openClimateSpec } from "./openclimate.ts";

/** the file's one series -> canonical sector (Climate Watch's headline total excludes LUCF) */
const SECTOR: [string, string] = ["total GHG excluding LUCF", "TOTAL_EXCL_LULUCF"];

export const openclimateClimateWatch = specConnector(
  openClimateSpec({
    id: "openclimate-climate-watch",
    description: "Climate Watch historical GHG emissions by country (t CO2e, AR5), 1990-2019, via OpenClimate",
    prefix: "climate_watch_historical_GHG",
    upstreamFolder: "climate_watch",
    source: {
      name: "Climate Watch Historical GHG Emissions 2022 (OpenClimate)",
      publisher: "World Resources Institute, harmonised by OpenClimate (Open Earth Foundation)",
      url: "https://www.climatewatchdata.org/ghg-emissions",
      licence: `CC BY 4.0; ${OPENCLIMATE_LICENCE}`,
      citation:
        "World Resources Institute. (2022). Climate Watch Historical GHG Emissions [Data set]. World Resources Institute. https://www.climatewatchdata.org/ghg-emissions",
      method: "compilation",
    },
    sector: SECTOR,
    gas: "GHG",
    gwp: "AR5_100",
  }),
);
