// UNFCCC Annex I GHG totals without LULUCF (t CO2e, AR4 as the inventories), as harmonised by OpenClimate.
import { specConnector } from "../engine/spec.ts";
import { OPENCLIMATE_LICENCE, openClimateSpec } from "./openclimate.ts";

/** the file's one series -> canonical sector */
const SECTOR: [string, string] = ["GHG total without LULUCF", "TOTAL_EXCL_LULUCF"];

export const openclimateUnfcccAnnex1 = specConnector(
  openClimateSpec({
    id: "openclimate-unfccc-annex1",
    description: "UNFCCC Annex I GHG totals without LULUCF (t CO2e, AR4), 1990-2021, via OpenClimate",
    prefix: "UNFCCC_Annex1",
    upstreamFolder: "UNFCCC",
    source: {
      name: "UNFCCC GHG total without LULUCF, Annex I (OpenClimate)",
      publisher: "UNFCCC, harmonised by OpenClimate (Open Earth Foundation)",
      url: "https://di.unfccc.int/time_series",
      licence: `UNFCCC: free use with attribution; ${OPENCLIMATE_LICENCE}`,
      citation: "UNFCCC. (2021). Time Series - Annex I [Data set]. UNFCCC. https://di.unfccc.int/time_series",
      method: "reported-inventory",
    },
    sector: SECTOR,
    gas: "GHG",
    gwp: "AR4_100",
  }),
);
