// Totals, breakdowns and roll-ups for many territories at once: one slice statement and one
// children statement per request field, whatever the number of territories (DataLoader batches).
import { convert, type GwpSet, sum } from "../core/gwp.ts";
import type { MassUnit } from "../core/mass-unit.ts";
import { type Rollup, type RollupRow, rollup } from "../core/rollup.ts";
import { db } from "../db/client.ts";
import { type ChildRow, childrenOf } from "../db/queries/indicators.ts";
import type { ReleaseRow } from "../db/queries/releases.ts";
import { quickTotals } from "../db/queries/rollup-totals.ts";
import { type SliceRow, slice } from "../db/queries/slice.ts";
import type { Context } from "./builder.ts";
import { asClientError, clientError } from "./errors.ts";
import { checkCode, reference, sliceReleases } from "./request-cache.ts";

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

/** A roll-up with its children (their values and coverage), and the children themselves. */
export interface RollupDetail {
  rollup: Rollup;
  children: ChildRow[];
}

/** One rolled-up value: what the Aggregate type shows. */
export interface AggregateShape {
  territoryId: number;
  source: string;
  release: ReleaseRow;
  year: number;
  unit: MassUnit;
  /** the value and how it was obtained */
  rollup: Pick<Rollup, "value" | "status" | "reported">;
  /** the coverage counts, when known without the whole roll-up */
  counts?: { children: number; childrenWithData: number };
  /** the whole roll-up, children and coverage included: read only when a field asks for them */
  detail: () => Promise<RollupDetail>;
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
  const selected = await sliceReleases(ctx, args);
  const releaseById = new Map(selected.map((r) => [r.id, r]));
  const ids = [...territoryIds];
  const rows = await slice(db(), {
    within: ids,
    releaseIds: selected.map((r) => r.id),
    sectors: sectorCodes.map((c) => ref.sectorCover(c)),
    gases: gases.map((c) => ref.gasCover(c)),
    yearFrom: args.year,
    yearTo: args.year,
    withAncestors: true,
  });
  // the children (for coverage) of the territories that have a value, in them or below them
  const withData = new Set(rows.flatMap((r) => [r.territoryId, ...(r.ancestors ?? [])]));
  const children = await childrenOf(
    db(),
    ids.filter((id) => withData.has(id)),
  );
  const childrenByParent = new Map<number, ChildRow[]>();
  for (const c of children) {
    const list = childrenByParent.get(c.parentId!) ?? [];
    list.push(c);
    childrenByParent.set(c.parentId!, list);
  }
  // each row goes to the requested territories it is in: itself and its ancestors
  const asked = new Set(ids);
  const rowsIn = new Map<number, SliceRow[]>();
  for (const r of rows)
    for (const t of [r.territoryId, ...(r.ancestors ?? [])])
      if (asked.has(t)) {
        const list = rowsIn.get(t);
        if (list) list.push(r);
        else rowsIn.set(t, [r]);
      }
  const result = new Map<number, TerritoryRollups>();
  for (const id of ids) {
    const groups = new Map<string, { sectorKey: number; gasKey: number; releaseId: number; rows: RollupRow[] }>();
    for (const r of rowsIn.get(id) ?? []) {
      const key = `${r.sectorKey} ${r.gasKey} ${r.releaseId}`;
      let g = groups.get(key);
      if (!g) {
        g = { sectorKey: r.sectorKey, gasKey: r.gasKey, releaseId: r.releaseId, rows: [] };
        groups.set(key, g);
      }
      g.rows.push(toRollupRow(r));
    }
    const kids = childrenByParent.get(id) ?? [];
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

/**
 * The total of each territory for the slice: REPORTED, DERIVED or PARTIAL, or null without data.
 *
 * When the slice reads one source's release, a territory that reports its own value is REPORTED
 * whatever lies below it, so its total needs only its own rows, and one that does not is answered
 * from the precomputed roll-ups where they settle it: one statement for all of them (quickTotalsOf).
 * The roll-up of their children (sumOfChildren, coverage) is computed only if a field asks for it,
 * once for the whole batch. Other territories, or a slice over several sources (where the children
 * may answer from another source: SOURCE_REQUIRED), take the whole roll-up at once.
 */
export async function totals(
  ctx: Context,
  territoryIds: readonly number[],
  args: SliceArgs,
): Promise<(AggregateShape | Error | null)[]> {
  const covers: [(string | null)[], (string | null)[]] = [[args.sector ?? null], [args.gas ?? null]];
  const selected = await sliceReleases(ctx, args);
  const { own, derived } =
    selected.length === 1
      ? await quickTotalsOf(ctx, territoryIds, args, selected[0])
      : { own: new Map<number, Rollup | Error>(), derived: new Map<number, DerivedTotal | null>() };
  // answered without the children's rows: their roll-up is read only if a field asks for it
  const quickIds = territoryIds.filter((id) => own.has(id) || derived.get(id));
  const restIds = territoryIds.filter((id) => !own.has(id) && !derived.has(id));
  const rest = restIds.length ? await rollups(ctx, restIds, args, ...covers) : new Map<number, TerritoryRollups>();
  let quickDetails: Promise<Map<number, TerritoryRollups>> | undefined;
  const shape = (id: number, part: { source: string; release: ReleaseRow }, rollup: AggregateShape["rollup"]) => ({
    territoryId: id,
    source: part.source,
    release: part.release,
    year: args.year,
    unit: args.unit ?? "T",
    rollup,
  });
  return territoryIds.map((id) => {
    const fromDerived = derived.get(id);
    if (fromDerived === null) return null;
    const mine = own.get(id) ?? fromDerived?.rollup;
    if (mine instanceof Error) return mine;
    if (mine) {
      const detail = async (): Promise<RollupDetail> => {
        quickDetails ??= rollups(ctx, quickIds, args, ...covers);
        const { parts, children } = (await quickDetails).get(id)!;
        const result = parts[0]?.result;
        if (result instanceof Error) throw result;
        if (!result) throw new Error(`territory ${id} has a value but no roll-up`);
        return { rollup: result, children };
      };
      const counts = fromDerived?.counts;
      return { ...shape(id, { source: selected[0].sourceId, release: selected[0] }, mine), counts, detail };
    }
    const { parts, children } = rest.get(id)!;
    const part = oneSource(parts, args.source);
    if (part === null || part instanceof Error) return part;
    if (part.result instanceof Error) return part.result;
    const detail = { rollup: part.result, children };
    return { ...shape(id, part, part.result), detail: async () => detail };
  });
}

type DerivedTotal = Pick<AggregateShape, "rollup" | "counts">;

/**
 * One statement for a one-source slice (db/queries/rollup-totals.ts): `own`, the value of each
 * territory that reports one itself; `derived`, for the others, null when nothing is below them, or
 * the value, status and coverage counts where the precomputed roll-ups settle them. Territories in
 * neither take the live roll-up (a subtree that is not exact, an undecided status, values that
 * cannot be summed as they are).
 */
async function quickTotalsOf(
  ctx: Context,
  territoryIds: readonly number[],
  args: SliceArgs,
  release: ReleaseRow,
): Promise<{ own: Map<number, Rollup | Error>; derived: Map<number, DerivedTotal | null> }> {
  const ref = await reference(ctx);
  const gas = checkCode(ref, "gas", args.gas);
  const { own: ownRows, precomputed } = await quickTotals(db(), {
    territoryIds: [...territoryIds],
    releaseId: release.id,
    sectors: ref.sectorCover(checkCode(ref, "sector", args.sector)),
    gases: ref.gasCover(gas),
    year: args.year,
  });
  const own = new Map<number, Rollup | Error>();
  for (const [id, quantities] of ownRows) {
    try {
      const rows = quantities.map((q) => ({ ...q, territoryId: id, ancestors: [] }));
      const r = rollup(id, rows, [], args.gwp ?? null, ref.gwp);
      if (r) own.set(id, r);
    } catch (e) {
      own.set(id, asClientError(e) as Error);
    }
  }
  const derived = new Map<number, DerivedTotal | null>();
  for (const [id, p] of precomputed) {
    if (p.kind === "none" || (p.kind === "known" && !p.sums.length)) {
      derived.set(id, null);
      continue;
    }
    if (p.kind === "unknown" || p.children === 0) continue;
    // DERIVED when every child has a value: surely so when one key alone covers them all; surely
    // PARTIAL when all keys together have fewer children than there are
    const status =
      p.maxChildrenWithKey === p.children ? "DERIVED" : p.sumChildrenWithKey < p.children ? "PARTIAL" : null;
    if (!status) continue;
    // how many children have a value: all of them, or those of the one key that has any
    const withData =
      status === "DERIVED" ? p.children : p.maxChildrenWithKey === p.sumChildrenWithKey ? p.sumChildrenWithKey : null;
    try {
      const value = sum(p.sums.map((q) => convert(q, args.gwp ?? null, ref.gwp)));
      derived.set(id, {
        rollup: { value, status, reported: null },
        counts: withData === null ? undefined : { children: p.children, childrenWithData: withData },
      });
    } catch {
      // values that cannot be summed as they are: the live roll-up names the ones at fault
    }
  }
  return { own, derived };
}
