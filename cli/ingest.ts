// `ogs ingest`: runs connectors (emissions ones two at a time on PostgreSQL) with a progress bar each,
// then a summary table.
import fs from "node:fs";
import path from "node:path";
import cliProgress from "cli-progress";
import { runConnectors } from "../connectors/engine/run.ts";
import { readSpecFile, specConnector } from "../connectors/engine/spec.ts";
import { connectors, findConnector } from "../connectors/registry.ts";
import type { Connector } from "../connectors/types.ts";
import type { Config } from "../core/config.ts";
import { UserError } from "../core/errors.ts";
import type { Database } from "../db/client.ts";
import { seed } from "../db/seed.ts";
import { printTable } from "./table.ts";

export interface IngestOptions {
  all?: boolean;
  file?: string;
  upstream?: boolean;
  /** a JSON spec file: run the connector it describes (connectors/engine/spec.ts) */
  spec?: string;
  /** publish even a release that the history guard finds incomplete (connectors/engine/history-guard.ts) */
  force?: boolean;
}

/** The connector of a JSON spec file, and its inputs: --file for the table, samples beside the spec. */
export function specFileConnector(options: IngestOptions): { connector: Connector; files: Record<string, string> } {
  const file = options.spec as string;
  const spec = readSpecFile(file);
  const connector = specConnector(spec);
  const files: Record<string, string> = {};
  const table = spec.table ?? Object.keys(spec.inputs)[0];
  for (const [name, input] of Object.entries(spec.inputs)) {
    const beside = path.resolve(path.dirname(file), input.sample);
    if (name === table && options.file) files[name] = options.file;
    else if (!options.upstream && fs.existsSync(beside)) files[name] = beside;
  }
  return { connector, files };
}

/** Resolves the connectors to run; throws a UserError naming an unknown id. */
export function selectConnectors(ids: string[], options: IngestOptions): Connector[] {
  if (options.spec) {
    if (ids.length || options.all)
      throw new UserError("--spec runs the connector of the spec file: give no connector id nor --all");
    return [specFileConnector(options).connector];
  }
  if (options.all && ids.length) throw new UserError("give connector ids or --all, not both");
  if (options.all) return connectors;
  if (!ids.length) throw new UserError("name at least one connector, or --all (see `ogs connectors`)");
  const unknown = ids.filter((id) => !findConnector(id));
  if (unknown.length) {
    throw new UserError(
      `unknown connector ${unknown.map((u) => `"${u}"`).join(", ")}; known: ${connectors.map((c) => c.id).join(", ")}`,
    );
  }
  if (options.file && ids.length !== 1) throw new UserError("--file applies to exactly one connector");
  return ids.map((id) => findConnector(id) as Connector);
}

/** Runs the selected connectors; returns the number that failed. */
export async function ingestCommand(
  db: Database,
  config: Config,
  ids: string[],
  options: IngestOptions,
): Promise<number> {
  const selected = selectConnectors(ids, options);
  await seed(db); // the canonical sectors and gases every connector maps onto (idempotent)
  const interactive = process.stderr.isTTY === true;
  const bars = new cliProgress.MultiBar(
    {
      format: " {connector} | {value} rows read | {status}",
      hideCursor: true,
      noTTYOutput: false,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  const barOf = new Map<Connector, ReturnType<typeof bars.create>>();
  // emissions connectors two at a time on PostgreSQL (connectors/engine/run.ts, runConnectors)
  const summaries = await runConnectors(
    db,
    selected,
    (connector) => {
      const bar = interactive
        ? bars.create(0, 0, { connector: connector.id.padEnd(26), status: "running" })
        : undefined;
      if (bar) barOf.set(connector, bar);
      const files = options.spec
        ? specFileConnector(options).files
        : options.file
          ? { [Object.keys(connector.inputs)[0]]: options.file }
          : undefined;
      return {
        config,
        files,
        upstream: options.upstream,
        force: options.force,
        onProgress: (n) => bar?.update(n),
      };
    },
    (summary, connector) => {
      const bar = barOf.get(connector);
      bar?.update(summary.rowsRead, { status: summary.status });
      bar?.stop();
    },
  );
  bars.stop();
  printTable(
    summaries.map((s) => ({
      connector: s.connector,
      run: s.runId,
      status: s.status,
      read: s.rowsRead,
      loaded: s.rowsLoaded,
      rejected: s.rowsRejected,
      seconds: (s.ms / 1000).toFixed(1),
      error: s.error ?? "",
    })),
  );
  return summaries.filter((s) => s.status === "failed").length;
}
