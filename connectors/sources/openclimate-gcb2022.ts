// Global Carbon Budget 2022 national fossil CO2 (t CO2), 1850-2021, as harmonised by OpenClimate.
import { specConnector } from "../engine/spec.ts";
import { OPENCLIMATE_LICENCE, openClimateSpec } from "./openclimate.ts";

/** the file's one series -> canonical sector: fossil CO2 is every CO2 emission but LULUCF */
const SECTOR: [string, string] = ["national fossil emissions", "TOTAL_EXCL_LULUCF"];

export const openclimateGcb2022 = specConnector(
  openClimateSpec({
    id: "openclimate-gcb2022",
    description: "Global Carbon Budget 2022: national fossil CO2 (t CO2), 1850-2021, via OpenClimate",
    prefix: "GCB_2022",
    upstreamFolder: "GCB_2022",
    source: {
      name: "Global Carbon Budget 2022, national fossil carbon emissions (OpenClimate)",
      publisher: "Global Carbon Project, harmonised by OpenClimate (Open Earth Foundation)",
      url: "https://doi.org/10.18160/gcp-2022",
      licence: `GCP: free use with citation; ${OPENCLIMATE_LICENCE}`,
      citation:
        "Global Carbon Project. (2022). Supplemental data of Global Carbon Budget 2022 (Version 1.0) [Data set]. Global Carbon Project. doi:10.18160/gcp-2022",
      method: "compilation",
    },
    sector: SECTOR,
    gas: "CO2",
    gwp: null,
  }),
);
