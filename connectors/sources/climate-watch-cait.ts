// Climate Watch CAIT historical emissions (WRI), 1990-2016: GWP set AR4_100 (see climate-watch.ts).
import { specConnector } from "../engine/spec.ts";
import { CLIMATE_WATCH, climateWatchSpec } from "./climate-watch.ts";

/** CAIT sector -> canonical sector */
const CROSSWALK = {
  "Total including LUCF": "TOTAL_INCL_LULUCF",
  "Total excluding LUCF": "TOTAL_EXCL_LULUCF",
  Energy: "1",
  "Electricity/Heat": "1.A.1",
  "Manufacturing/Construction": "1.A.2",
  Transportation: "1.A.3",
  Building: "1.A.4",
  "Other Fuel Combustion": "1.A.5",
  "Fugitive Emissions": "1.B",
  "Industrial Processes": "2",
  Agriculture: "3.AGR",
  "Land-Use Change and Forestry": "3.B",
  Waste: "4",
  "Bunker Fuels": "M.BK",
} as const;

export const climateWatchCait = specConnector(
  climateWatchSpec({
    id: "climate-watch-cait",
    description: "Climate Watch CAIT historical emissions by country, sector and gas (MtCO2e, AR4), 1990-2016",
    source: {
      name: "Climate Watch Historical GHG Emissions (CAIT)",
      ...CLIMATE_WATCH,
      licence: "CC BY 4.0",
      citation:
        "Climate Watch Historical GHG Emissions. 2020. Washington, DC: World Resources Institute. Available online at: https://www.climatewatchdata.org/ghg-emissions",
      method: "compilation",
    },
    inputs: {
      data: {
        sample: "emissions/climate-watch/cait_historical_emissions.csv",
        upstream: "https://raw.githubusercontent.com/owid/co2-data/master/cait_historical_emissions.csv",
      },
    },
    gwp: "AR4_100",
    crosswalk: CROSSWALK,
    release: { version: "CAIT-2020-12" },
  }),
);
