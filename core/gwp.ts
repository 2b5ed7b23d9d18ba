// GWP conversion at query time: masses of a gas to CO2-equivalent under one IPCC set and horizon,
// and the rules that keep CO2e values of different sets from ever being summed together.

/** The GWP sets a client may ask for; the same strings are stored in emission.gwp. */
export const GWP_SETS = ["SAR_100", "AR4_100", "AR5_100", "AR6_100", "AR5_20", "AR6_20"] as const;
export type GwpSet = (typeof GWP_SETS)[number];

/** A value as stored: tonnes of the gas itself (gwp null) or tonnes CO2e under `gwp`. */
export interface Quantity {
  gas: string;
  gwp: string | null;
  tonnes: number;
}

/** gas code -> GWP set -> factor, built from the gwp_value table. */
export type GwpTable = Map<string, Map<string, number>>;

/** The assessment (SAR, AR4 ...) and horizon (20, 100) of a set name like AR6_100. */
export function splitGwpSet(set: string): { assessment: string; horizon: number } {
  const m = /^([A-Z0-9]+)_(\d+)$/.exec(set);
  if (!m) throw new Error(`not a GWP set: ${set}`);
  return { assessment: m[1], horizon: Number(m[2]) };
}

/** Builds the lookup table from gwp_value rows (set is SAR | AR4 | ..., horizon 20 | 100). */
export function gwpTable(rows: { gas: string; set: string; horizon: number; value: number }[]): GwpTable {
  const table: GwpTable = new Map();
  for (const r of rows) {
    let bySet = table.get(r.gas);
    if (!bySet) {
      bySet = new Map();
      table.set(r.gas, bySet);
    }
    bySet.set(`${r.set}_${r.horizon}`, r.value);
  }
  return table;
}

/** A value that cannot be expressed in the asked basis; `code` is the GraphQL error code. */
export class GwpError extends Error {
  override name = "GwpError";
  constructor(
    readonly code: "GWP_CONVERSION" | "MIXED_GWP_SETS" | "GWP_REQUIRED",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Expresses q under `target` (null: as published). A mass converts with the gas's GWP; CO2 is 1
 * under every set; a value published as CO2e under another set cannot be converted (the per-gas
 * masses behind it are unknown).
 */
export function convert(q: Quantity, target: string | null, table: GwpTable): Quantity {
  if (target === null || q.gwp === target) return q;
  if (q.gas === "CO2") return { gas: q.gas, gwp: target, tonnes: q.tonnes };
  if (q.gwp !== null) {
    throw new GwpError(
      "GWP_CONVERSION",
      `${q.gas} is published only as CO2e under ${q.gwp}; it cannot be converted to ${target}`,
    );
  }
  const factor = table.get(q.gas)?.get(target);
  if (factor === undefined) {
    throw new GwpError("GWP_CONVERSION", `no ${target} global warming potential is known for ${q.gas}`);
  }
  return { gas: q.gas, gwp: target, tonnes: q.tonnes * factor };
}

/** The basis of a sum: tonnes CO2e under `gwp`, or tonnes of the single gas `gas` when gwp is null. */
export interface Sum {
  tonnes: number;
  gwp: string | null;
  gas: string;
  gases: string[];
}

/**
 * Sums values that share a basis. CO2 masses join any one CO2e set; masses of different gases, or
 * CO2e of different sets, are never added: that is an error naming what would have been mixed.
 */
export function sum(quantities: Quantity[]): Sum {
  const sets = new Set<string>();
  const massGases = new Set<string>();
  const gases = new Set<string>();
  let tonnes = 0;
  for (const q of quantities) {
    gases.add(q.gas);
    if (q.gwp !== null) sets.add(q.gwp);
    else massGases.add(q.gas);
    tonnes += q.tonnes;
  }
  if (sets.size > 1) {
    throw new GwpError(
      "MIXED_GWP_SETS",
      `values under different GWP sets (${[...sets].sort().join(", ")}) cannot be summed: ask for one with the gwp argument`,
    );
  }
  const nonCo2Masses = [...massGases].filter((g) => g !== "CO2");
  if (nonCo2Masses.length > 0 && (sets.size > 0 || massGases.size > 1)) {
    throw new GwpError(
      "GWP_REQUIRED",
      `masses of ${[...massGases].sort().join(", ")}${sets.size ? ` and CO2e under ${[...sets][0]}` : ""} cannot be summed as they are: give the gwp argument to sum them as CO2e`,
    );
  }
  const gwp = sets.size ? [...sets][0] : null;
  return {
    tonnes,
    gwp,
    gas: gwp ? "CO2e" : ([...massGases][0] ?? "CO2e"),
    gases: [...gases].sort(),
  };
}
