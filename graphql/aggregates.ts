// Totals, breakdowns and roll-ups for many territories at once: one slice statement and one
// children statement per request field, whatever the number of territories (DataLoader batches).
import type { GwpSet } from "../core/gwp.ts";
import type { MassUnit } from "../core/mass-unit.ts";
import { type Rollup, type RollupRow, rollup } from "../core/rollup.ts";
import { db } from "../db/client.ts";
import { type ChildRow, childrenWithPopulation } from "../db/queries/indicators.ts";
import type { ReleaseRow } from "../db/queries/releases.ts";
import { gasCover, type SliceRow, sectorCover, slice } from "../db/queries/slice.ts";
import type { Context } from "./builder.ts";
import { asClientError, clientError } from "./errors.ts";
import { checkCode, reference, releases } from "./request-cache.ts";

export interface SliceArgs {
  year: number;
  gas?: string | null;
  sector?: string | null;
  source?: string | null;
  release?: string | null;
  asOf?: Date | null;
  gwp?: GwpSet | null;
  unit?: MassUnit | null;
}

/** One rolled-up value: what the Aggregate type shows. */
export interface AggregateShape {
  territoryId: number;
  source: string;
  release: ReleaseRow;
  year: number;
  unit: MassUnit;
  rollup: Rollup;
  children: ChildRow[];
}

export interface PartResult {
  sectorKey: number;
  gasKey: number;
  source: string;
  release: ReleaseRow;
  result: Rollup | Error;
}

export interface TerritoryRollups {
  parts: PartResult[];
  children: ChildRow[];
}

/**
 * Rolls up, for each territory, every requested sector x gas cover in every selected source.
 * Errors (a GWP conversion that cannot be made) are kept per part, so one source's problem does not
 * hide another's value.
 */
export async function rollups(
  ctx: Context,
  territoryIds: readonly number[],
  args: SliceArgs,
  sectorCodes: (string | null)[],
  gasCodes: (string | null)[],
): Promise<Map<number, TerritoryRollups>> {
  const ref = await reference(ctx);
  for (const c of sectorCodes) checkCode(ref, "sector", c);
  const gases = gasCodes.map((c) => checkCode(ref, "gas", c));
  const selected = await releases(ctx, {
    sources: args.source ? [args.source] : null,
    release: args.release,
    asOf: args.asOf,
  });
  const releaseById = new Map(selected.map((r) => [r.id, r]));
  const ids = [...territoryIds];
  const [rows, children] = await Promise.all([
    slice(db(), {
      within: ids,
      releaseIds: selected.map((r) => r.id),
      sectors: sectorCodes.map((c) => sectorCover(ref.sectors, c)),
      gases: gases.map((c) => gasCover(ref.gasTree, c)),
      yearFrom: args.year,
      yearTo: args.year,
      withAncestors: true,
    }),
    childrenWithPopulation(db(), ids, args.year),
  ]);
  const childrenOf = new Map<number, ChildRow[]>();
  for (const c of children) {
    const list = childrenOf.get(c.parentId!) ?? [];
    list.push(c);
    childrenOf.set(c.parentId!, list);
  }
  const result = new Map<number, TerritoryRollups>();
  for (const id of ids) {
    const groups = new Map<string, { sectorKey: number; gasKey: number; releaseId: number; rows: RollupRow[] }>();
    for (const r of rows) {
      if (r.territoryId !== id && !r.ancestors!.includes(id)) continue;
      const key = `${r.sectorKey} ${r.gasKey} ${r.releaseId}`;
      let g = groups.get(key);
      if (!g) {
        g = { sectorKey: r.sectorKey, gasKey: r.gasKey, releaseId: r.releaseId, rows: [] };
        groups.set(key, g);
      }
      g.rows.push(toRollupRow(r));
    }
    const kids = childrenOf.get(id) ?? [];
    const parts: PartResult[] = [];
    for (const g of groups.values()) {
      const release = releaseById.get(g.releaseId)!;
      let res: Rollup | Error;
      try {
        const r = rollup(id, g.rows, kids, args.gwp ?? null, ref.gwp);
        if (!r) continue;
        res = r;
      } catch (e) {
        res = asClientError(e) as Error;
      }
      parts.push({ sectorKey: g.sectorKey, gasKey: g.gasKey, source: release.sourceId, release, result: res });
    }
    result.set(id, { parts, children: kids });
  }
  return result;
}

function toRollupRow(r: SliceRow): RollupRow {
  return { territoryId: r.territoryId, ancestors: r.ancestors ?? [], gas: r.gas, gwp: r.gwp, tonnes: r.value };
}

/** The one source of a slice: the one asked for, or the only one with data; several is an error. */
export function oneSource<T extends { source: string }>(
  parts: T[],
  asked: string | null | undefined,
): T | null | Error {
  if (!parts.length) return null;
  const sources = [...new Set(parts.map((p) => p.source))].sort();
  if (sources.length > 1 && !asked) {
    return clientError(
      "SOURCE_REQUIRED",
      `${sources.length} sources have values for this slice (${sources.join(", ")}): choose one with the source argument, or use compare`,
      { sources },
    );
  }
  return parts[0];
}

/** The total of each territory for the slice: REPORTED, DERIVED or PARTIAL, or null without data. */
export async function totals(
  ctx: Context,
  territoryIds: readonly number[],
  args: SliceArgs,
): Promise<(AggregateShape | Error | null)[]> {
  const all = await rollups(ctx, territoryIds, args, [args.sector ?? null], [args.gas ?? null]);
  return territoryIds.map((id) => {
    const { parts, children } = all.get(id)!;
    const part = oneSource(parts, args.source);
    if (part === null || part instanceof Error) return part;
    if (part.result instanceof Error) return part.result;
    return {
      territoryId: id,
      source: part.source,
      release: part.release,
      year: args.year,
      unit: args.unit ?? "T",
      rollup: part.result,
      children,
    };
  });
}
