// Roll-up along the territory tree: a territory's value is the one it reports, else the sum of its
// nearest descendants that report (DERIVED when every child has a value, PARTIAL otherwise), with
// the coverage of its children and, for a reported value, its gap to the sum of its children.
import { convert, type GwpTable, type Quantity, type Sum, sum } from "./gwp.ts";

export type ValueStatus = "REPORTED" | "DERIVED" | "PARTIAL";

export interface RollupRow extends Quantity {
  territoryId: number;
  /** ancestors of the territory, nearest first */
  ancestors: number[];
}

export interface ChildInfo {
  id: number;
}

export interface Rollup {
  value: Sum;
  status: ValueStatus;
  reported: Sum | null;
  /** sum of the children's values (reported or derived), when at least one child has one */
  children: Sum | null;
  childValues: Map<number, { value: Sum; status: ValueStatus }>;
  coverage: { children: number; childrenWithData: number; missing: number[] };
}

/**
 * Rolls up the rows of one slice (one source, release, sector, gas and year) for `territoryId`,
 * given rows for it and its descendants, converted to `gwp` (null: as published). Null when
 * neither the territory nor any descendant has a value.
 */
export function rollup(
  territoryId: number,
  rows: RollupRow[],
  children: ChildInfo[],
  gwp: string | null,
  table: GwpTable,
): Rollup | null {
  const byTerritory = new Map<number, { quantities: Quantity[]; ancestors: number[] }>();
  for (const r of rows) {
    let t = byTerritory.get(r.territoryId);
    if (!t) {
      t = { quantities: [], ancestors: r.ancestors };
      byTerritory.set(r.territoryId, t);
    }
    t.quantities.push(convert(r, gwp, table));
  }
  const reportedOf = (id: number) => {
    const t = byTerritory.get(id);
    return t ? sum(t.quantities) : null;
  };
  /** the sum over the descendants of `id` that report and have no reporting ancestor below `id` */
  const derivedOf = (id: number): Sum | null => {
    const parts: Sum[] = [];
    for (const [d, t] of byTerritory) {
      const at = t.ancestors.indexOf(id);
      if (d === id || at === -1) continue;
      if (t.ancestors.slice(0, at).some((a) => byTerritory.has(a))) continue;
      parts.push(sum(t.quantities));
    }
    return parts.length ? sum(parts.map((p) => ({ gas: p.gas, gwp: p.gwp, tonnes: p.tonnes }))) : null;
  };
  const childValues = new Map<number, { value: Sum; status: ValueStatus }>();
  for (const c of children) {
    const reported = reportedOf(c.id);
    const value = reported ?? derivedOf(c.id);
    // a child's own status needs its children: DERIVED here means "from its descendants"
    if (value) childValues.set(c.id, { value, status: reported ? "REPORTED" : "DERIVED" });
  }
  const reported = reportedOf(territoryId);
  const withData = children.filter((c) => childValues.has(c.id));
  const childrenSum = withData.length
    ? sum(withData.map((c) => childValues.get(c.id)!.value).map((s) => ({ gas: s.gas, gwp: s.gwp, tonnes: s.tonnes })))
    : null;
  const value = reported ?? childrenSum ?? derivedOf(territoryId);
  if (!value) return null;
  return {
    value,
    status: reported ? "REPORTED" : withData.length === children.length && children.length > 0 ? "DERIVED" : "PARTIAL",
    reported,
    children: childrenSum,
    childValues,
    coverage: {
      children: children.length,
      childrenWithData: withData.length,
      missing: children.filter((c) => !childValues.has(c.id)).map((c) => c.id),
    },
  };
}

/** Population of the children with data over that of all children whose population is known; null when none is. */
export function populationShare(
  children: readonly number[],
  withData: { has(id: number): boolean },
  population: Map<number, number | null>,
): number | null {
  let all = 0;
  let covered = 0;
  for (const id of children) {
    const p = population.get(id);
    if (p == null) continue;
    all += p;
    if (withData.has(id)) covered += p;
  }
  return all > 0 ? covered / all : null;
}
