// EDGAR v8.0 GHG totals of 75 countries (t CO2e, AR5 GWP100 as EDGAR v8.0), as harmonised by OpenClimate.
import { specConnector } from "../engine/spec.ts";
import { OPENCLIMATE_LICENCE, openClimateSpec } from "./openclimate.ts";

/** the file's one series -> canonical sector (EDGAR's GHG total has no LULUCF) */
const SECTOR: [string, string] = ["total GHG", "TOTAL_EXCL_LULUCF"];

export const openclimateEdgar8 = specConnector(
  openClimateSpec({
    id: "openclimate-edgar8",
    description: "EDGAR v8.0 GHG emissions by country (t CO2e, AR5), 1970-2022, via OpenClimate",
    prefix: "EDGARv8.0",
    upstreamFolder: "EDGAR",
    source: {
      name: "EDGAR v8.0 GHG (OpenClimate)",
      publisher: "European Commission, Joint Research Centre, harmonised by OpenClimate (Open Earth Foundation)",
      url: "https://edgar.jrc.ec.europa.eu/dataset_ghg80",
      licence: `EC-JRC: free use with attribution; ${OPENCLIMATE_LICENCE}`,
      citation:
        "Joint Research Centre. (2023). Global Greenhouse Gas Emissions EDGAR v8.0 [Data set]. Joint Research Centre. https://edgar.jrc.ec.europa.eu/dataset_ghg80",
      method: "bottom-up",
    },
    sector: SECTOR,
    gas: "GHG",
    gwp: "AR5_100",
  }),
);
