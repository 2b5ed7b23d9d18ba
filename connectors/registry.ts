// Every connector the hub knows, in the order `ogs ingest --all` runs them (reference data first).
import { gwp } from "./reference/gwp.ts";
import { territories } from "./reference/territories.ts";
import { ademeBeges } from "./sources/ademe-beges.ts";
import { climateWatchCait } from "./sources/climate-watch-cait.ts";
import { edgar } from "./sources/edgar.ts";
import { eiaStates } from "./sources/eia-states.ts";
import { epaStates } from "./sources/epa-states.ts";
import { gcp } from "./sources/gcp.ts";
import { openclimateClimateWatch } from "./sources/openclimate-climate-watch.ts";
import { openclimateEdgar8 } from "./sources/openclimate-edgar8.ts";
import { openclimateGcb2022 } from "./sources/openclimate-gcb2022.ts";
import { openclimateUnfcccAnnex1 } from "./sources/openclimate-unfccc-annex1.ts";
import { openghgmap } from "./sources/openghgmap.ts";
import { owid } from "./sources/owid.ts";
import { unfcccAnnex1 } from "./sources/unfccc-annex1.ts";
import { unfcccDi } from "./sources/unfccc-di.ts";
import { unfcccNonAnnex1 } from "./sources/unfccc-non-annex1.ts";
import type { Connector } from "./types.ts";

export const connectors: Connector[] = [
  territories,
  gwp,
  gcp,
  edgar,
  climateWatchCait,
  unfcccAnnex1,
  unfcccNonAnnex1,
  owid,
  openclimateGcb2022,
  openclimateClimateWatch,
  openclimateUnfcccAnnex1,
  openclimateEdgar8,
  epaStates,
  eiaStates,
  openghgmap,
  unfcccDi,
  ademeBeges,
  // emissions connectors (connectors/sources/*.ts) follow
];

export function findConnector(id: string): Connector | undefined {
  return connectors.find((c) => c.id === id);
}
