// Shared by the OpenClimate connectors: sources harmonised by the OpenClimate project (Open Earth
// Foundation) to one long shape, `emissions_id, actor_id, year, total_emissions, datasource_id`,
// with actor_id an ISO 3166-1 alpha-2, ISO 3166-2 or UN/LOCODE code and total_emissions in tonnes
// (CO2e for GHG totals). Each file comes with a `__DataSource.csv` that gives the release version
// (datasource_id) and its publication date.
import type { GwpSet, SpecInput } from "../engine/spec.ts";

const REPOSITORY = "https://raw.githubusercontent.com/Open-Earth-Foundation/OpenClimate/develop/harmonize";

export interface OpenClimateSource {
  id: string;
  description: string;
  /** file prefix: GCB_2022 -> GCB_2022__EmissionsAgg.csv and GCB_2022__DataSource.csv */
  prefix: string;
  /** folder of the upstream repository that holds the files */
  upstreamFolder: string;
  source: SpecInput["source"];
  /** the one source sector of the file and the canonical sector it is */
  sector: [name: string, canonical: string];
  gas: "CO2" | "GHG";
  gwp: GwpSet | null;
  schedule?: string;
}

export function openClimateSpec(s: OpenClimateSource): SpecInput {
  const file = (kind: string) => `${s.prefix}__${kind}.csv`;
  return {
    id: s.id,
    description: s.description,
    source: s.source,
    inputs: {
      data: {
        sample: `emissions/openclimate/${file("EmissionsAgg")}`,
        upstream: `${REPOSITORY}/${s.upstreamFolder}/${file("EmissionsAgg")}`,
      },
      datasource: {
        sample: `emissions/openclimate/${file("DataSource")}`,
        upstream: `${REPOSITORY}/${s.upstreamFolder}/${file("DataSource")}`,
      },
    },
    table: "data",
    schedule: s.schedule ?? "0 6 1 * *",
    format: { type: "csv", encoding: "utf-8" },
    layout: { kind: "long", year: "year", value: "total_emissions" },
    territory: { column: "actor_id", schemes: ["code", "alpha2", "iso3166-2", "unlocode"] },
    sector: { fixed: s.sector[0], crosswalk: { [s.sector[0]]: s.sector[1] } },
    gas: { fixed: s.gas },
    unit: { fixed: s.gas === "CO2" ? "t CO2" : "t CO2e" },
    gwp: s.gwp,
    release: { fromCsv: { input: "datasource", version: "datasource_id", published: "published" } },
  };
}

export const OPENCLIMATE_LICENCE = "repository Apache-2.0; data under the licence of its original source";
