// Every connector the hub knows, in the order `ogs ingest --all` runs them (reference data first).
import { gwp } from "./reference/gwp.ts";
import { territories } from "./reference/territories.ts";
import type { Connector } from "./types.ts";

export const connectors: Connector[] = [
  territories,
  gwp,
  // emissions connectors (connectors/sources/*.ts) follow
];

export function findConnector(id: string): Connector | undefined {
  return connectors.find((c) => c.id === id);
}
