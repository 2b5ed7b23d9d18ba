// The connector template: a declarative spec (validated with zod, every problem listed at once)
// that says where a source's file is, how to read it and how its columns map onto the model, and
// `specConnector`, which turns a spec (plus hooks, for odd formats only) into a Connector.
import fs from "node:fs";
import path from "node:path";
import { Cron } from "croner";
import { z } from "zod";
import { ConfigError } from "../../core/errors.ts";
import type { Connector, LoadContext, LoadResult } from "../types.ts";
import { EmissionWriter, loadCanonicalIds, upsertIndicators, upsertSourceSectors } from "./load.ts";
import { loadTerritoryLookup } from "./lookups.ts";
import { buildPlan, gasCode, type Lookups, mapRecord } from "./map.ts";
import { type CsvRecord, jsonRecords, readCsv, readCsvAll, readJson } from "./parse.ts";

/** GWP sets of CO2e values, as stored in emission.gwp. */
export const GWP_SETS = ["SAR_100", "AR4_100", "AR5_100", "AR6_100", "AR5_20", "AR6_20"] as const;
export type GwpSet = (typeof GWP_SETS)[number];

const column = z.string().min(1);
const nonEmptyRecord = <T extends z.ZodType>(value: T) =>
  z.record(z.string(), value).refine((r) => Object.keys(r).length > 0, "must not be empty");

const csvFormat = z.strictObject({
  type: z.literal("csv"),
  encoding: z.enum(["utf-8", "latin1", "windows-1252", "auto"]).default("utf-8"),
  delimiter: z.string().length(1).default(","),
  skipLines: z.number().int().min(0).default(0),
  commentPrefix: z.string().min(1).optional(),
});

const jsonFormat = z.strictObject({
  type: z.literal("json"),
  /** dotted path to the array of records ("data"); the document itself when absent */
  records: z.string().optional(),
  /** dotted path to the column names when records are arrays (UNFCCC DI: "columns") */
  columns: z.string().optional(),
});

const measure = z.strictObject({
  /** source sector name of this column (goes through the crosswalk) */
  sector: z.string().min(1),
  gas: z.string().min(1).optional(),
  unit: z.string().min(1).optional(),
  gwp: z.enum(GWP_SETS).nullable().optional(),
});

const layout = z.discriminatedUnion("kind", [
  /** one value per record */
  z.strictObject({ kind: z.literal("long"), year: column, value: column }),
  /** one column per year, unpivoted */
  z.strictObject({
    kind: z.literal("wide"),
    years: z.union([z.literal("four-digit-headers"), z.array(column).min(1)]),
  }),
  /** several value columns per record (GCP: Total, Coal, Oil...), each a source sector */
  z.strictObject({ kind: z.literal("measures"), year: column, measures: nonEmptyRecord(measure) }),
]);

export const specSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "a connector id is kebab-case"),
    description: z.string().min(1),
    source: z.strictObject({
      name: z.string().min(1),
      publisher: z.string().min(1),
      url: z.string().url(),
      licence: z.string().min(1),
      citation: z.string().min(1),
      method: z.enum(["reported-inventory", "top-down-model", "bottom-up", "compilation", "reference"]),
    }),
    inputs: nonEmptyRecord(z.strictObject({ sample: z.string().min(1), upstream: z.string().min(1) })),
    /** the input holding the data table; the first input when absent */
    table: z.string().optional(),
    schedule: z.string().min(1),
    format: z.discriminatedUnion("type", [csvFormat, jsonFormat]),
    layout,
    territory: z.strictObject({
      column,
      /** read when the territory column is empty (OWID: iso_code empty, country name given) */
      fallbackColumn: column.optional(),
      /** tried in order: "code" (territory.code), "name" (name, name_fr) or a territory_identifier scheme */
      schemes: z.array(z.string().min(1)).min(1),
      /** source value -> territory.code, for names and codes that are not in the reference (FRA_MCO -> FR) */
      aliases: z.record(z.string(), z.string().min(1)).default({}),
      /** source values that are not territories (aggregates), with why: reported once each, not loaded */
      skip: z.record(z.string(), z.string().min(1)).default({}),
    }),
    sector: z.strictObject({
      column: column.optional(),
      /** the one source sector of a file without a sector column */
      fixed: z.string().min(1).optional(),
      /** source sector name -> canonical sector code (db/seed.ts) */
      crosswalk: nonEmptyRecord(z.string().min(1)),
    }),
    gas: z
      .strictObject({
        column: column.optional(),
        fixed: z.string().min(1).optional(),
        /** source gas name -> gas code, beyond the built-in names (CO2, CH₄, N2O, SF6, NF3, HFCs, PFCs) */
        map: z.record(z.string(), z.string().min(1)).default({}),
      })
      .default({ map: {} }),
    unit: z.strictObject({ column: column.optional(), fixed: z.string().min(1).optional() }).default({}),
    /** GWP set of the CO2e values; masses (MtCO2, Gg) are stored with no GWP set */
    gwp: z.enum(GWP_SETS).nullable().default(null),
    nullMarkers: z.array(z.string()).default(["", "N/A"]),
    /** values that cannot be negative (bottom-up estimates): a negative one is rejected. Off by default:
     *  net LULUCF is negative, and even fossil totals can be (GCP: Brunei's oil, statistical differences) */
    nonNegative: z.boolean().default(false),
    rejectThreshold: z.number().min(0).max(1).optional(),
    /** value columns that are context indicators (population, gdp), not emissions */
    indicators: z
      .record(z.string(), z.strictObject({ indicator: z.string().min(1), unit: z.string().min(1) }))
      .optional(),
    release: z
      .strictObject({
        version: z.string().min(1).optional(),
        /** a metadata input whose first record gives the version and the publication date */
        fromCsv: z.strictObject({ input: z.string(), version: column, published: column.optional() }).optional(),
      })
      .optional(),
    dependsOn: z.array(z.string()).default(["territories"]),
  })
  .superRefine((s, ctx) => {
    const problem = (p: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path: p, message });
    const inputs = Object.keys(s.inputs);
    if (s.table && !inputs.includes(s.table)) problem(["table"], `no input named "${s.table}"`);
    if (s.release?.fromCsv && !inputs.includes(s.release.fromCsv.input))
      problem(["release", "fromCsv", "input"], `no input named "${s.release.fromCsv.input}"`);
    try {
      new Cron(s.schedule, { paused: true, timezone: "UTC" });
    } catch (e) {
      problem(["schedule"], `not a cron expression: ${(e as Error).message}`);
    }
    const measures = s.layout.kind === "measures" ? Object.values(s.layout.measures) : [];
    if (s.layout.kind !== "measures" && !s.sector.column && !s.sector.fixed)
      problem(["sector"], "give a sector column or a fixed sector");
    if (s.sector.fixed && !(s.sector.fixed in s.sector.crosswalk))
      problem(["sector", "fixed"], `"${s.sector.fixed}" is not in the crosswalk`);
    for (const m of measures)
      if (!(m.sector in s.sector.crosswalk))
        problem(["layout", "measures"], `sector "${m.sector}" is not in the crosswalk`);
    const everyMeasure = (k: "gas" | "unit") => measures.length > 0 && measures.every((m) => m[k]);
    if (!s.gas.column && !s.gas.fixed && !everyMeasure("gas")) problem(["gas"], "give a gas column or a fixed gas");
    if (!s.unit.column && !s.unit.fixed && !everyMeasure("unit"))
      problem(["unit"], "give a unit column or a fixed unit");
  });

/** A spec as written (defaults optional). */
export type SpecInput = z.input<typeof specSchema>;
/** A validated spec, defaults filled in. */
export type Spec = z.output<typeof specSchema>;

export class SpecError extends ConfigError {
  override name = "SpecError";
}

/** Validates a spec; throws a SpecError listing every problem, with its path. */
export function parseSpec(input: unknown, origin = "spec"): Spec {
  const result = specSchema.safeParse(input);
  if (!result.success) {
    throw new SpecError(result.error.issues.map((i) => `${origin}: ${i.path.join(".") || "(root)"}: ${i.message}`));
  }
  return result.data;
}

/** Reads and validates a JSON spec file (`ogs ingest --spec my-source.json`). */
export function readSpecFile(file: string): Spec {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new SpecError([`${file}: ${(e as Error).message}`]);
  }
  return parseSpec(json, path.basename(file));
}

/** Code for what a spec cannot say. Odd formats only: most sources need none. */
export interface SpecHooks {
  /** runs first inside the load transaction, before the territory lookups are read (openghgmap creates its cities) */
  beforeLoad?(ctx: LoadContext, spec: Spec): Promise<void>;
  /** rewrites a record before mapping (EDGAR's AIR/SEA bunkers become World rows of a bunker sector) */
  record?(values: Record<string, string>, line: number): Record<string, string>;
  /** replaces parsing altogether: joins of several inputs, API answers with lookup files */
  records?(ctx: LoadContext, spec: Spec): Promise<AsyncIterable<CsvRecord> | Iterable<CsvRecord>>;
  /** release version and date, when the spec's `release` cannot say them */
  release?(ctx: LoadContext): Promise<{ version?: string; publishedOn?: Date }>;
}

const PROGRESS_EVERY = 5000;

/** A display name for a raw file in rejects and errors: the name the user knows (sample or URL basename). */
export function fileLabel(location: string): string {
  try {
    return path.basename(new URL(location).pathname);
  } catch {
    return path.basename(location);
  }
}

/** Turns a spec (validated here if it is not yet) into a Connector run by the engine. */
export function specConnector(input: Spec | SpecInput, hooks: SpecHooks = {}): Connector {
  const spec = parseSpec(input, typeof input.id === "string" ? input.id : "spec");
  const tableInput = spec.table ?? Object.keys(spec.inputs)[0];
  return {
    id: spec.id,
    kind: "emissions",
    description: spec.description,
    source: spec.source,
    inputs: spec.inputs,
    schedule: spec.schedule,
    rejectThreshold: spec.rejectThreshold,
    dependsOn: spec.dependsOn,
    async load(ctx: LoadContext): Promise<LoadResult> {
      await hooks.beforeLoad?.(ctx, spec);
      const raw = ctx.files[tableInput];
      const file = fileLabel(raw.location);
      const canonical = await loadCanonicalIds(ctx.tx);
      const unknownSectors = [...new Set(Object.values(spec.sector.crosswalk))].filter(
        (c) => !canonical.sectors.has(c),
      );
      const gasNames = [
        ...(spec.gas.fixed ? [spec.gas.fixed] : []),
        ...(spec.layout.kind === "measures" ? Object.values(spec.layout.measures).flatMap((m) => m.gas ?? []) : []),
      ];
      const unknownGases = [
        ...Object.values(spec.gas.map).filter((g) => !canonical.gases.has(g)),
        ...gasNames.filter((g) => !canonical.gases.has(gasCode(g, spec.gas.map))),
      ];
      if (unknownSectors.length || unknownGases.length)
        throw new SpecError([
          ...unknownSectors.map((c) => `${spec.id}: sector.crosswalk: no canonical sector "${c}" (see db/seed.ts)`),
          ...unknownGases.map((g) => `${spec.id}: gas: no gas "${g}" in the gas table`),
        ]);
      const sourceSectors = await upsertSourceSectors(ctx.tx, spec.id, spec.sector.crosswalk, canonical.sectors);
      const territory = await loadTerritoryLookup(ctx.tx, spec.territory.schemes);
      const lookups: Lookups = {
        territory: (v) => territory.find(v, spec.territory.aliases),
        sourceSector: (name) => sourceSectors.get(name),
        gas: (code) => canonical.gases.get(code),
      };
      const writer = new EmissionWriter(ctx.tx, ctx.releaseId, ctx.parentSums);
      const indicators: Parameters<typeof upsertIndicators>[1] = [];
      const skipped = new Map<string, { line: number; values: number; column: string; file?: string }>();
      let rowsRead = 0;
      let records: AsyncIterable<CsvRecord> | Iterable<CsvRecord>;
      let header: string[];
      if (hooks.records) {
        records = await hooks.records(ctx, spec);
        header = [];
      } else if (spec.format.type === "json") {
        const doc = await readJson(raw.path, file);
        records = jsonRecords(doc, file, spec.format.records, spec.format.columns);
        header = [];
      } else {
        const table = await readCsv(
          raw.path,
          {
            encoding: spec.format.encoding,
            delimiter: spec.format.delimiter,
            skipLines: spec.format.skipLines,
            commentPrefix: spec.format.commentPrefix,
            expectColumns: expectedColumns(spec),
            checkHeader: (h) =>
              spec.layout.kind === "wide" &&
              spec.layout.years === "four-digit-headers" &&
              !h.some((c) => /^\d{4}$/.test(c))
                ? ["(a 4-digit year column)"]
                : [],
          },
          file,
        );
        records = table.records;
        header = table.header;
      }
      let plan: ReturnType<typeof buildPlan> | undefined;
      let n = 0;
      for await (const record of records) {
        const values = hooks.record ? hooks.record(record.values, record.line) : record.values;
        plan ??= buildPlan(spec, header.length ? header : Object.keys(values));
        const out = mapRecord({ line: record.line, values }, plan, lookups);
        rowsRead += out.read;
        if (out.skipped) {
          const s = skipped.get(out.skipped);
          if (s) s.values += out.read;
          else
            skipped.set(out.skipped, {
              line: record.line,
              values: out.read,
              column: spec.territory.column,
              file: record.file,
            });
        }
        for (const r of out.rejects) ctx.reject({ file: record.file ?? file, ...r });
        for (const row of out.rows) writer.add(record.file ? { ...row, file: record.file } : row);
        if (out.indicators.length && out.territoryId !== undefined)
          for (const i of out.indicators) indicators.push({ territoryId: out.territoryId, ...i });
        if (++n % PROGRESS_EVERY === 0) ctx.progress(n);
      }
      ctx.progress(n);
      for (const [value, s] of skipped) {
        ctx.reject({
          file: s.file ?? file,
          line: s.line,
          column: s.column,
          reason: `not loaded: "${value}" ${spec.territory.skip[value]} (${s.values} values, first at this line)`,
        });
      }
      await upsertIndicators(ctx.tx, indicators, spec.id);
      const loaded = await writer.flush(file, ctx.reject);
      const release = { ...(await releaseOf(spec, ctx)), ...(await hooks.release?.(ctx)) };
      return {
        rowsRead,
        rowsLoaded: loaded.inserted + indicators.length,
        rowsDuplicate: loaded.duplicates,
        ...release,
      };
    },
  };
}

/** Header columns a CSV must have for this spec. */
export function expectedColumns(spec: Spec): string[] {
  const cols = [spec.territory.column];
  if (spec.territory.fallbackColumn) cols.push(spec.territory.fallbackColumn);
  if (spec.sector.column) cols.push(spec.sector.column);
  if (spec.gas.column) cols.push(spec.gas.column);
  if (spec.unit.column) cols.push(spec.unit.column);
  if (spec.layout.kind === "long") cols.push(spec.layout.year, spec.layout.value);
  if (spec.layout.kind === "wide" && Array.isArray(spec.layout.years)) cols.push(...spec.layout.years);
  if (spec.layout.kind === "measures") cols.push(spec.layout.year, ...Object.keys(spec.layout.measures));
  if (spec.indicators) cols.push(...Object.keys(spec.indicators));
  return [...new Set(cols)];
}

async function releaseOf(spec: Spec, ctx: LoadContext): Promise<{ version?: string; publishedOn?: Date }> {
  const r = spec.release;
  if (!r) return {};
  if (!r.fromCsv) return { version: r.version };
  const meta = ctx.files[r.fromCsv.input];
  const [first] = await readCsvAll(meta.path, { encoding: "auto" }, fileLabel(meta.location));
  if (!first) throw new SpecError([`${spec.id}: release: ${fileLabel(meta.location)} has no record`]);
  const version = first.values[r.fromCsv.version];
  const published = r.fromCsv.published ? first.values[r.fromCsv.published] : undefined;
  const date = published ? new Date(`${published.slice(0, 10)}T00:00:00Z`) : undefined;
  return {
    version: version || r.version,
    publishedOn: date && !Number.isNaN(date.getTime()) ? date : undefined,
  };
}
