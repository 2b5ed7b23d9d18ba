// Picks, for each source, the one series the time-series chart shows for the chosen gas and sector.
import type { ReleaseInfo, SeriesSet } from "./api.ts";

export interface SeriesPoint {
  source: string;
  release: ReleaseInfo;
  sector: string;
  gas: string;
  gwp: string | null;
  year: number;
  value: number;
}

const TOTALS = ["TOTAL_EXCL_LULUCF", "TOTAL_INCL_LULUCF"];
/** memo items and organisation scopes are not parts of a territory's total */
const NOT_PARTS = /^(M\.|SCOPE)/;

/**
 * The sector asked, else the source's published total (excluding LULUCF first), else the sum of
 * its outermost sectors (those with no ancestor among the source's sectors). The gas asked, else
 * the all-GHG basket. Sources without such a series are left out rather than guessed.
 * `parentOf` maps a canonical sector code to its parent's.
 */
export function seriesBySource(
  sets: SeriesSet[],
  gas: string,
  sector: string,
  parentOf: Map<string, string | null>,
): SeriesPoint[] {
  const wantedGas = gas || "GHG";
  const points: SeriesPoint[] = [];
  for (const source of [...new Set(sets.map((s) => s.source))].sort()) {
    const mine = sets.filter((s) => s.source === source);
    let chosen: SeriesSet[] = [];
    if (sector) chosen = mine.filter((s) => s.sector.code === sector);
    else {
      for (const code of TOTALS) {
        chosen = mine.filter((s) => s.sector.code === code && s.gases.some((g) => g.gas.code === wantedGas));
        if (chosen.length) break;
      }
      if (!chosen.length) {
        const present = new Set(mine.map((s) => s.sector.code));
        const hasAncestorIn = (code: string): boolean => {
          for (let p = parentOf.get(code); p; p = parentOf.get(p)) if (present.has(p)) return true;
          return false;
        };
        chosen = mine.filter(
          (s) => !NOT_PARTS.test(s.sector.code) && !TOTALS.includes(s.sector.code) && !hasAncestorIn(s.sector.code),
        );
      }
    }
    const byYear = new Map<number, SeriesPoint>();
    for (const set of chosen) {
      const series = set.gases.find((g) => g.gas.code === wantedGas);
      if (!series) continue;
      for (const { year, value } of series.series) {
        const point = byYear.get(year);
        if (point) point.value += value;
        else
          byYear.set(year, {
            source,
            release: set.release,
            sector: chosen.length > 1 ? "sum of sectors" : set.sector.code,
            gas: wantedGas,
            gwp: series.gwp,
            year,
            value,
          });
      }
    }
    points.push(...[...byYear.values()].sort((a, b) => a.year - b.year));
  }
  return points;
}
