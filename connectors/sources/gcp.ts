// Global Carbon Project, Global Carbon Budget 2020 (v18): national fossil CO2 by fuel, 1750-2019.
// One record per country and year with a column per fuel; each column is a source sector.
// "Per Capita" (t CO2 per person) is a ratio, not an emission: it is not loaded.
import { specConnector } from "../engine/spec.ts";

/** GCP fuel column -> canonical sector. Coal, oil and gas are fuels burnt in every 1.A sector. */
const CROSSWALK = {
  Total: "TOTAL_EXCL_LULUCF",
  Coal: "1.A",
  Oil: "1.A",
  Gas: "1.A",
  Cement: "2.A.1",
  Flaring: "1.B.2",
  Other: "2",
} as const;

/** Entities of the file that are not ISO alpha-3 codes of the reference. */
const ALIASES = {
  WLD: "001",
  KSV: "XK",
};

export const gcp = specConnector({
  id: "gcp",
  description: "Global Carbon Budget 2020: national fossil CO2 emissions by fuel (MtCO2), 1750-2019",
  source: {
    name: "Global Carbon Budget 2020, national fossil carbon emissions",
    publisher: "Global Carbon Project",
    url: "https://www.globalcarbonproject.org/carbonbudget/20/data.htm",
    licence: "free use with citation (GCP data policy)",
    citation:
      "Andrew, R.M. & Peters, G.P. (2021). The Global Carbon Project's fossil CO2 emissions dataset (GCB2020v18). Zenodo. https://doi.org/10.5281/zenodo.4283096",
    method: "compilation",
  },
  inputs: {
    data: {
      sample: "emissions/gcp/GCB2020v18_MtCO2_flat.csv",
      upstream: "https://zenodo.org/record/4283096/files/GCB2020v18_MtCO2_flat.csv",
    },
  },
  schedule: "0 4 15 12 *",
  format: { type: "csv", encoding: "latin1" },
  layout: {
    kind: "measures",
    year: "Year",
    measures: Object.fromEntries(Object.keys(CROSSWALK).map((c) => [c, { sector: c }])),
  },
  territory: { column: "ISO 3166-1 alpha-3", fallbackColumn: "Country", schemes: ["alpha3"], aliases: ALIASES },
  sector: { crosswalk: CROSSWALK },
  gas: { fixed: "CO2" },
  unit: { fixed: "MtCO2" },
  release: { version: "GCB2020v18" },
});
