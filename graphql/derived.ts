// Derived metrics for many territories at once: cumulative sums over years, share of World, change
// between two years and rank among a level. Each request field costs a fixed number of statements
// (the slice of slice.ts, the children, the releases), whatever the number of territories.
import { convert, type Quantity, type Sum, sum } from "../core/gwp.ts";
import { fromTonnes, type MassUnit } from "../core/mass-unit.ts";
import { type Rollup, type RollupRow, rollup, type ValueStatus } from "../core/rollup.ts";
import { db } from "../db/client.ts";
import { type ChildRow, childrenOf } from "../db/queries/indicators.ts";
import type { ReleaseRow } from "../db/queries/releases.ts";
import { type SliceQuery, slice, sliceTop } from "../db/queries/slice.ts";
import { type AggregateShape, oneSource, rollups, type SliceArgs, totals } from "./aggregates.ts";
import type { Context } from "./builder.ts";
import { indicatorValues, lookupTerritory, type Reference, territoriesAtLevel } from "./catalog.ts";
import { asClientError, clientError } from "./errors.ts";
import { checkCode, memo, reference, sliceReleases } from "./request-cache.ts";

/** A slice without its year: the derived metrics give their own years. */
export type RangeArgs = Omit<SliceArgs, "year">;

interface YearPart {
  source: string;
  release: ReleaseRow;
  /** the roll-up of each year with a value; an Error when that year's values cannot be summed as asked */
  years: Map<number, Rollup | Error>;
}

/**
 * The roll-up of every territory, year (yearFrom..yearTo) and selected source for one sector and
 * gas: one slice statement and one children statement. Rows are attributed to each requested
 * territory they sit in (itself or an ancestor), so the cost grows with the rows, not with
 * territories x rows.
 */
export async function rollupYears(
  ctx: Context,
  territoryIds: readonly number[],
  args: RangeArgs,
  yearFrom: number | null,
  yearTo: number,
): Promise<Map<number, { parts: YearPart[]; children: ChildRow[] }>> {
  const ref = await reference(ctx);
  const sector = checkCode(ref, "sector", args.sector);
  const gas = checkCode(ref, "gas", args.gas);
  const selected = await sliceReleases(ctx, args);
  const releaseById = new Map(selected.map((r) => [r.id, r]));
  const ids = [...territoryIds];
  const wanted = new Set(ids);
  const [rows, children] = await Promise.all([
    slice(db(), {
      within: ids,
      releaseIds: selected.map((r) => r.id),
      sectors: [ref.sectorCover(sector)],
      gases: [ref.gasCover(gas)],
      yearFrom,
      yearTo,
      withAncestors: true,
    }),
    childrenOf(db(), ids),
  ]);
  const childrenByParent = new Map<number, ChildRow[]>();
  for (const c of children) childrenByParent.set(c.parentId!, [...(childrenByParent.get(c.parentId!) ?? []), c]);
  // territory -> release -> year -> rows inside it
  const groups = new Map<number, Map<number, Map<number, RollupRow[]>>>();
  for (const r of rows) {
    const row: RollupRow = {
      territoryId: r.territoryId,
      ancestors: r.ancestors ?? [],
      gas: r.gas,
      gwp: r.gwp,
      tonnes: r.value,
    };
    for (const target of [r.territoryId, ...row.ancestors]) {
      if (!wanted.has(target)) continue;
      let byRelease = groups.get(target);
      if (!byRelease) {
        byRelease = new Map();
        groups.set(target, byRelease);
      }
      let byYear = byRelease.get(r.releaseId);
      if (!byYear) {
        byYear = new Map();
        byRelease.set(r.releaseId, byYear);
      }
      const list = byYear.get(r.year);
      if (list) list.push(row);
      else byYear.set(r.year, [row]);
    }
  }
  const target = args.gwp ?? null;
  const result = new Map<number, { parts: YearPart[]; children: ChildRow[] }>();
  for (const id of ids) {
    const kids = childrenByParent.get(id) ?? [];
    const parts: YearPart[] = [];
    for (const [releaseId, byYear] of groups.get(id) ?? []) {
      const release = releaseById.get(releaseId)!;
      const years = new Map<number, Rollup | Error>();
      for (const [year, list] of [...byYear].sort((a, b) => a[0] - b[0])) {
        try {
          const r = rollup(id, list, kids, target, ref.gwp);
          if (r) years.set(year, r);
        } catch (e) {
          years.set(year, asClientError(e) as Error);
        }
      }
      if (years.size) parts.push({ source: release.sourceId, release, years });
    }
    result.set(id, { parts, children: kids });
  }
  return result;
}

/** The least certain of several statuses: PARTIAL over DERIVED over REPORTED. */
export function worstStatus(statuses: Iterable<ValueStatus>): ValueStatus {
  let worst: ValueStatus = "REPORTED";
  for (const s of statuses) if (s === "PARTIAL" || (s === "DERIVED" && worst === "REPORTED")) worst = s;
  return worst;
}

export interface CumulativeShape {
  territoryId: number;
  source: string;
  release: ReleaseRow;
  unit: MassUnit;
  /** first and last year with a value, inside the asked range */
  firstYear: number;
  lastYear: number;
  yearTo: number;
  years: number;
  value: Sum;
  status: ValueStatus;
}

/** Each territory's sum over the years up to yearTo (from yearFrom, else from the first year published). */
export async function cumulatives(
  ctx: Context,
  ids: readonly number[],
  args: RangeArgs & { yearFrom?: number | null; yearTo: number },
): Promise<(CumulativeShape | Error | null)[]> {
  if (args.yearFrom != null && args.yearFrom > args.yearTo)
    throw clientError("BAD_USER_INPUT", `yearFrom ${args.yearFrom} is after yearTo ${args.yearTo}`);
  const all = await rollupYears(ctx, ids, args, args.yearFrom ?? null, args.yearTo);
  return ids.map((id) => {
    const part = oneSource(all.get(id)!.parts, args.source);
    if (part === null || part instanceof Error) return part;
    const quantities: Quantity[] = [];
    const statuses: ValueStatus[] = [];
    for (const r of part.years.values()) {
      if (r instanceof Error) return r;
      quantities.push({ gas: r.value.gas, gwp: r.value.gwp, tonnes: r.value.tonnes });
      statuses.push(r.status);
    }
    let value: Sum;
    try {
      value = sum(quantities);
    } catch (e) {
      return asClientError(e) as Error;
    }
    const years = [...part.years.keys()];
    return {
      territoryId: id,
      source: part.source,
      release: part.release,
      unit: args.unit ?? "T",
      firstYear: Math.min(...years),
      lastYear: Math.max(...years),
      yearTo: args.yearTo,
      years: years.length,
      value: {
        ...value,
        gases: [...new Set([...part.years.values()].flatMap((r) => (r as Rollup).value.gases))].sort(),
      },
      status: worstStatus(statuses),
    };
  });
}

export interface ChangeShape {
  from: AggregateShape;
  to: AggregateShape;
}

/** Each territory's totals at two years, from the same source. */
export async function changes(
  ctx: Context,
  ids: readonly number[],
  args: RangeArgs & { from: number; to: number },
): Promise<(ChangeShape | Error | null)[]> {
  const [before, after] = await Promise.all([
    totals(ctx, ids, { ...args, year: args.from }),
    totals(ctx, ids, { ...args, year: args.to }),
  ]);
  return ids.map((_id, i) => {
    const a = before[i];
    const b = after[i];
    if (a instanceof Error) return a;
    if (b instanceof Error) return b;
    if (!a || !b) return null;
    if (a.source !== b.source)
      return clientError(
        "SOURCE_REQUIRED",
        `${args.from} comes from ${a.source} and ${args.to} from ${b.source}: choose one with the source argument`,
        { sources: [a.source, b.source] },
      );
    if (a.rollup.value.gwp !== b.rollup.value.gwp || a.rollup.value.gas !== b.rollup.value.gas)
      return clientError(
        "MIXED_GWP_SETS",
        `${args.from} and ${args.to} are in different bases (${a.rollup.value.gwp ?? a.rollup.value.gas}, ${b.rollup.value.gwp ?? b.rollup.value.gas}): ask for one with the gwp argument`,
      );
    return { from: a, to: b };
  });
}

export interface ShareShape {
  aggregate: AggregateShape;
  world: AggregateShape;
}

export const WORLD_CODE = "001";

/**
 * Each territory's total over World's total for the same slice and source: World as the source
 * reports it, else rolled up from the territories under it (the countries, where a source reports
 * no region), which the answer states.
 */
export async function sharesOfWorld(
  ctx: Context,
  ids: readonly number[],
  args: SliceArgs,
): Promise<(ShareShape | Error | null)[]> {
  const world = await lookupTerritory(WORLD_CODE);
  if (!world) throw clientError("NOT_FOUND", `the territory tree has no World (${WORLD_CODE}): load territories`);
  const [mine, worlds] = await Promise.all([
    totals(ctx, ids, args),
    rollups(ctx, [world.id], args, [args.sector ?? null], [args.gas ?? null]),
  ]);
  const { parts, children } = worlds.get(world.id)!;
  return ids.map((_id, i) => {
    const a = mine[i];
    if (a === null || a instanceof Error) return a;
    const w = parts.find((p) => p.source === a.source);
    if (!w) return null;
    if (w.result instanceof Error) return w.result;
    if (w.result.value.tonnes === 0) return null;
    if (w.result.value.gwp !== a.rollup.value.gwp)
      return clientError("MIXED_GWP_SETS", "the territory and World are in different GWP sets: ask for one with gwp");
    const worldShape: AggregateShape = {
      territoryId: world.id,
      source: w.source,
      release: w.release,
      year: args.year,
      unit: a.unit,
      rollup: w.result,
      detail: async () => ({ rollup: w.result as Rollup, children }),
    };
    return { aggregate: a, world: worldShape };
  });
}

export interface RankedValue {
  territoryId: number;
  tonnes: number;
  gwp: string | null;
  status: ValueStatus;
  /** in the asked unit per person, when ranking per capita */
  perCapita: number | null;
}

export interface LevelRanking {
  level: string;
  source: string | null;
  unit: MassUnit;
  perCapita: boolean;
  ranked: RankedValue[];
  /** territory id -> 1-based rank */
  rankOf: Map<number, number>;
}

export interface RankArgs extends SliceArgs {
  level: string;
  rollUp?: boolean | null;
  perCapita?: boolean | null;
}

/**
 * Territories of a level ordered by their value for a slice, largest first: the values they report,
 * or (rollUp) their reported-else-derived totals. Computed once per request and arguments.
 */
export function rankLevel(ctx: Context, args: RankArgs): Promise<LevelRanking> {
  const key = `rank:${JSON.stringify([args.level, args.year, args.gas, args.sector, args.source, args.release, args.asOf, args.gwp, args.unit, !!args.rollUp, !!args.perCapita])}`;
  return memo(ctx, key, async () => {
    const unit = args.unit ?? "T";
    let values: RankedValue[];
    let source: string | null = null;
    if (args.rollUp) {
      const { ids } = await territoriesAtLevel(args.level);
      const all = await rollupYears(ctx, ids, args, args.year, args.year);
      values = [];
      const sources = new Set<string>();
      for (const { parts } of all.values()) for (const p of parts) sources.add(p.source);
      if (sources.size > 1 && !args.source) throw sourceRequired([...sources], args.level);
      for (const [id, { parts }] of all) {
        const r = parts[0]?.years.get(args.year);
        if (!r) continue;
        if (r instanceof Error) throw r;
        values.push({ territoryId: id, tonnes: r.value.tonnes, gwp: r.value.gwp, status: r.status, perCapita: null });
      }
      source = [...sources][0] ?? null;
    } else {
      ({ values, source } = await reportedAtLevel(ctx, args));
    }
    if (args.perCapita) {
      const population = await indicatorValues(
        values.map((v) => v.territoryId),
        "population",
        args.year,
      );
      values = values
        .map((v) => {
          const pop = population.get(v.territoryId)?.value;
          return { ...v, perCapita: pop ? fromTonnes(v.tonnes, unit) / pop : null };
        })
        .filter((v) => v.perCapita !== null);
      values.sort((a, b) => b.perCapita! - a.perCapita! || a.territoryId - b.territoryId);
    } else values.sort((a, b) => b.tonnes - a.tonnes || a.territoryId - b.territoryId);
    return {
      level: args.level,
      source,
      unit,
      perCapita: !!args.perCapita,
      ranked: values,
      rankOf: new Map(values.map((v, i) => [v.territoryId, i + 1])),
    };
  });
}

function sourceRequired(sources: string[], level: string) {
  const list = [...sources].sort();
  return clientError(
    "SOURCE_REQUIRED",
    `${list.length} sources rank this level (${list.join(", ")}): choose one with source`,
    { sources: list, level },
  );
}

/**
 * The first `first` of rankLevel for reported values as published (no rollUp or gwp), by value or per capita,
 * ordered and cut in SQL: the other territories' values never leave the database. Null when the
 * database cannot order them alone (values in several bases, or several sources): rankLevel then.
 */
export async function topAtLevel(ctx: Context, args: RankArgs, first: number): Promise<LevelRanking | null> {
  if (args.rollUp || args.gwp) return null;
  const unit = args.unit ?? "T";
  const { query, selected } = await levelSlice(ctx, args);
  const top = await sliceTop(
    db(),
    query,
    first,
    args.perCapita ? await populationsAtLevel(args.level, args.year) : undefined,
  );
  if (!top) return null;
  const ranked: RankedValue[] = top.map((r) => ({
    territoryId: r.territoryId,
    tonnes: r.value,
    gwp: r.gwp,
    status: "REPORTED",
    perCapita: r.population ? fromTonnes(r.value, unit) / r.population : null,
  }));
  return {
    level: args.level,
    source: selected.find((r) => r.id === top[0]?.releaseId)?.sourceId ?? null,
    unit,
    perCapita: !!args.perCapita,
    ranked,
    rankOf: new Map(ranked.map((v, i) => [v.territoryId, i + 1])),
  };
}

/** The slice of every territory of a level for one year: the level's size from the catalog, the
 *  sector and gas covers checked, the selected releases. */
async function levelSlice(
  ctx: Context,
  args: RankArgs,
): Promise<{ query: SliceQuery; selected: ReleaseRow[]; ref: Reference }> {
  const ref = await reference(ctx);
  const gas = checkCode(ref, "gas", args.gas);
  const sector = checkCode(ref, "sector", args.sector);
  const selected = await sliceReleases(ctx, args);
  const query: SliceQuery = {
    level: { name: args.level, size: (await territoriesAtLevel(args.level)).ids.length },
    releaseIds: selected.map((r) => r.id),
    sectors: [ref.sectorCover(sector)],
    gases: [ref.gasCover(gas)],
    yearFrom: args.year,
    yearTo: args.year,
  };
  return { query, selected, ref };
}

/** The population of each territory of a level at the year nearest `year`, from the catalog (absent: unknown). */
async function populationsAtLevel(level: string, year: number): Promise<Map<number, number>> {
  const found = await indicatorValues((await territoriesAtLevel(level)).ids, "population", year);
  return new Map([...found].map(([id, v]) => [id, v.value]));
}

/** The values territories of a level report themselves for a slice (one statement). */
async function reportedAtLevel(
  ctx: Context,
  args: RankArgs,
): Promise<{ values: RankedValue[]; source: string | null }> {
  const { query, ref } = await levelSlice(ctx, args);
  const rows = await slice(db(), query);
  const sources = [...new Set(rows.map((r) => r.sourceId))];
  if (sources.length > 1) throw sourceRequired(sources, args.level);
  const byTerritory = new Map<number, Quantity[]>();
  const target = args.gwp ?? null;
  const values: RankedValue[] = [];
  try {
    for (const r of rows) {
      const q = convert({ gas: r.gas, gwp: r.gwp, tonnes: r.value }, target, ref.gwp);
      byTerritory.set(r.territoryId, [...(byTerritory.get(r.territoryId) ?? []), q]);
    }
    for (const [id, list] of byTerritory) {
      const s = sum(list);
      values.push({ territoryId: id, tonnes: s.tonnes, gwp: s.gwp, status: "REPORTED", perCapita: null });
    }
  } catch (e) {
    throw asClientError(e);
  }
  return { values, source: sources[0] ?? null };
}
