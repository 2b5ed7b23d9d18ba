// UNFCCC non-Annex I inventories as republished by Climate Watch, 1990-2018: GWP set SAR_100 (see climate-watch.ts).
import { specConnector } from "../engine/spec.ts";
import { climateWatchSpec, climateWatchUpstream, UNFCCC_SOURCE } from "./climate-watch.ts";

/** UNFCCC non-Annex I sector (IPCC 1996 top level) -> canonical sector (2006: solvents are 2.D) */
const CROSSWALK = {
  "Total GHG emissions including LULUCF/LUCF": "TOTAL_INCL_LULUCF",
  "Total GHG emissions excluding LULUCF/LUCF": "TOTAL_EXCL_LULUCF",
  Energy: "1",
  "Industrial Processes": "2",
  "Solvent and Other Product Use": "2.D",
  Agriculture: "3.AGR",
  "Land-Use Change and Forestry": "3.B",
  Waste: "4",
  Other: "5",
} as const;

export const unfcccNonAnnex1 = specConnector(
  climateWatchSpec({
    id: "unfccc-non-annex1",
    description: "UNFCCC non-Annex I inventories via Climate Watch, by party, sector and gas (MtCO2e, SAR), 1990-2018",
    source: { ...UNFCCC_SOURCE, name: "UNFCCC non-Annex I GHG inventories (via Climate Watch)" },
    inputs: {
      data: {
        sample: "emissions/climate-watch/historical_emissions_UNFCCC_NAI.csv",
        upstream: climateWatchUpstream("historical_emissions_UNFCCC_NAI.csv"),
      },
    },
    gwp: "SAR_100",
    crosswalk: CROSSWALK,
    release: { version: "UNFCCC-NAI-2020" },
  }),
);
