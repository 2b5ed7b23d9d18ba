// Scheduled ingestion: one Cron per connector invokes this with OGS_CONNECTOR set (or the
// connector in the event's detail), reading the connector's upstream URLs.
import { runConnector } from "../connectors/engine/run.ts";
import { findConnector } from "../connectors/registry.ts";
import { loadConfig } from "../core/config.ts";
import { database } from "./runtime.ts";

export interface ScheduledEvent {
  "detail-type"?: string;
  detail?: { connector?: string };
}

export async function handler(event: ScheduledEvent) {
  const id = event.detail?.connector ?? process.env.OGS_CONNECTOR;
  const connector = id ? findConnector(id) : undefined;
  if (!connector) throw new Error(`unknown connector "${id ?? ""}": set OGS_CONNECTOR or detail.connector`);
  const summary = await runConnector(await database(), connector, {
    config: loadConfig(),
    upstream: true,
    trigger: "schedule",
  });
  if (summary.status === "failed") throw new Error(`${connector.id} run ${summary.runId} failed: ${summary.error}`);
  return summary;
}
