import type { Sql } from "../db/client.ts";
import type { ParentSums } from "./engine/rollups.ts";

/** Metadata of a data source, stored in the `source` table. */
export interface SourceMeta {
  name: string;
  publisher: string;
  url: string;
  licence: string;
  citation: string;
  method: "reported-inventory" | "top-down-model" | "bottom-up" | "compilation" | "reference";
}

/** One input file of a connector: a bundled sample (path relative to data/) and its upstream URL. */
export interface InputFile {
  sample: string;
  upstream: string;
}

/** A raw file as stored in the raw data lake. */
export interface RawFile {
  /** input name, as declared by the connector */
  name: string;
  /** where it was read from: a path, file:// or http(s):// URL */
  location: string;
  /** local path of the stored copy (read it from here) */
  path: string;
  sha256: string;
  /** address in the lake, e.g. file:///.../raw/ab/abcd... or s3://bucket/ab/abcd... */
  uri: string;
  bytes: number;
}

export interface Reject {
  file: string;
  line: number;
  column?: string;
  reason: string;
  raw?: string;
}

export interface LoadContext {
  /** the transaction the whole load runs in: a failure anywhere leaves the database as it was */
  tx: Sql;
  files: Record<string, RawFile>;
  runId: number;
  releaseId: number;
  reject(r: Reject): void;
  /** reports rows read so far (drives the progress bar) */
  progress(rowsRead: number): void;
  /** the sums of the release's emission rows under each parent territory, which every row written
   *  is added to (EmissionWriter does): the release's roll-ups are built from them */
  parentSums: ParentSums;
}

export interface LoadResult {
  rowsRead: number;
  rowsLoaded: number;
  /** rows met twice in the file with the same value: loaded once */
  rowsDuplicate?: number;
  /** release version, when the data says it (e.g. "GCB2020v18"); defaults to the hash prefix */
  version?: string;
  publishedOn?: Date;
}

export interface Connector {
  id: string;
  kind: "reference" | "emissions";
  description: string;
  source: SourceMeta;
  inputs: Record<string, InputFile>;
  /** cron expression (UTC), used by the local scheduler and by SST */
  schedule: string;
  /** fraction of rows read that may be rejected before the run fails and publishes nothing */
  rejectThreshold?: number;
  /** connectors that must have loaded first */
  dependsOn?: string[];
  load(ctx: LoadContext): Promise<LoadResult>;
}
