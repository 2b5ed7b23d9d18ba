// UNFCCC Annex I inventories as republished by Climate Watch, 1990-2018: GWP set AR4_100 (see climate-watch.ts).
import { specConnector } from "../engine/spec.ts";
import { climateWatchSpec, climateWatchUpstream, UNFCCC_SOURCE } from "./climate-watch.ts";

/** UNFCCC Annex I sector (CRF top level) -> canonical sector */
const CROSSWALK = {
  "Total GHG emissions with LULUCF": "TOTAL_INCL_LULUCF",
  "Total GHG emissions without LULUCF": "TOTAL_EXCL_LULUCF",
  Energy: "1",
  "Industrial Processes and Product Use": "2",
  Agriculture: "3.AGR",
  "Land Use, Land-Use Change and Forestry": "3.B",
  Waste: "4",
  Other: "5",
} as const;

export const unfcccAnnex1 = specConnector(
  climateWatchSpec({
    id: "unfccc-annex1",
    description: "UNFCCC Annex I inventories via Climate Watch, by party, sector and gas (MtCO2e, AR4), 1990-2018",
    source: { ...UNFCCC_SOURCE, name: "UNFCCC Annex I GHG inventories (via Climate Watch)" },
    inputs: {
      data: {
        sample: "emissions/climate-watch/historical_emissions_UNFCCC_AI.csv",
        upstream: climateWatchUpstream("historical_emissions_UNFCCC_AI.csv"),
      },
    },
    gwp: "AR4_100",
    crosswalk: CROSSWALK,
    release: { version: "UNFCCC-AI-2020" },
  }),
);
