// Map: one parsed record -> emission rows (territory id, source sector, canonical sector, gas,
// year, value in tonnes with the original value and unit kept) and rejects with line, column and
// reason. Pure: the database lookups come in as functions, so it is tested on real rows.
import { asciiSubscripts, parseNumber, parseUnit, toTonnes, type Unit, UnitError } from "../../core/units.ts";
import type { Reject } from "../types.ts";
import type { CsvRecord } from "./parse.ts";
import type { GwpSet, Spec } from "./spec.ts";

/** Gas names every source may use, after Unicode subscripts are made ASCII; case-insensitive. */
const BUILT_IN_GASES: Record<string, string> = {
  co2: "CO2",
  ch4: "CH4",
  n2o: "N2O",
  sf6: "SF6",
  nf3: "NF3",
  hfcs: "HFCS",
  pfcs: "PFCS",
  "f-gases": "FGASES",
  "f-gas": "FGASES",
  "aggregate f-gases": "FGASES",
  "aggregate ghgs": "GHG",
  "all ghg": "GHG",
  ghg: "GHG",
};

/** Gas code of a source's gas name: the spec's map first, then the built-in names (CH₄ -> CH4). */
export function gasCode(name: string, map: Record<string, string> = {}): string {
  if (name in map) return map[name];
  const ascii = asciiSubscripts(name).trim();
  if (ascii in map) return map[ascii];
  return BUILT_IN_GASES[ascii.toLowerCase()] ?? ascii;
}

export interface EmissionRow {
  line: number;
  /** the territory as the file writes it (for conflict messages) */
  territoryText: string;
  territoryId: number;
  sourceSectorId: number;
  sectorId: number;
  gasId: number;
  year: number;
  /** tonnes of the gas, or tonnes CO2e under `gwp` */
  value: number;
  gwp: GwpSet | null;
  originalValue: number;
  originalUnit: string;
  /** file of the row, when a `records` hook joins several inputs */
  file?: string;
}

export interface Lookups {
  territory(value: string): number | undefined;
  sourceSector(name: string): { id: number; sectorId: number } | undefined;
  gas(code: string): number | undefined;
}

/** One value cell of a record: the column it is in, its year, and what the layout says about it. */
interface Cell {
  column: string;
  /** the year, or the column holding it */
  year: { fixed: number } | { column: string };
  sector?: string;
  gas?: string;
  unit?: string;
  gwp?: GwpSet | null;
}

export interface Plan {
  spec: Spec;
  cells: Cell[];
  indicators: { column: string; indicator: string; unit: string }[];
  nulls: Set<string>;
  units: Map<string, Unit | UnitError>;
  /** gas id by the name a file writes (undefined: unknown gas) */
  gasIds: Map<string, number | undefined>;
}

/** Works out, from the header, which cells of a record hold values (the year columns of a wide file). */
export function buildPlan(spec: Spec, header: string[]): Plan {
  const l = spec.layout;
  let cells: Cell[];
  if (l.kind === "long") cells = [{ column: l.value, year: { column: l.year } }];
  else if (l.kind === "wide") {
    const years = l.years === "four-digit-headers" ? header.filter((h) => /^\d{4}$/.test(h)) : l.years;
    cells = years.map((y) => ({ column: y, year: { fixed: Number(y) } }));
  } else {
    cells = Object.entries(l.measures).map(([column, m]) => ({
      column,
      year: { column: l.year },
      sector: m.sector,
      gas: m.gas,
      unit: m.unit,
      gwp: m.gwp,
    }));
  }
  const indicators = Object.entries(spec.indicators ?? {}).map(([column, i]) => ({ column, ...i }));
  return { spec, cells, indicators, nulls: new Set(spec.nullMarkers), units: new Map(), gasIds: new Map() };
}

export interface MappedRecord {
  rows: EmissionRow[];
  rejects: Omit<Reject, "file">[];
  indicators: { indicator: string; year: number; value: number; unit: string }[];
  territoryId?: number;
  /** the territory value when the spec says to skip it */
  skipped?: string;
  /** value cells read (not null) */
  read: number;
}

/** No territory emits more than this in a year (the world: about 5e10 t CO2e): a larger value is a
 *  corrupt cell, and would make every sum over it meaningless (1e308 + 1e308 is Infinity). */
export const MAX_TONNES = 1e13;

/** A cell's text cut for a message (a 100,000-digit "number" is named, not copied). */
const shorten = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}... (${text.length} characters)` : text);

const parseYear = (text: string | undefined): number | undefined => {
  const t = text?.trim() ?? "";
  if (!/^\d{4}$/.test(t)) return undefined;
  return Number(t);
};

/** Adds a reject for a record, once per reason. */
function addReject(out: MappedRecord, record: CsvRecord, column: string | undefined, reason: string): void {
  if (out.rejects.some((r) => r.reason === reason)) return;
  out.rejects.push({ line: record.line, column, reason, raw: JSON.stringify(record.values) });
}

/** Whether a cell holds a value (not missing, not a null marker). */
const isPresent = (plan: Plan, text: string | undefined) => text !== undefined && !plan.nulls.has(text.trim());

/** Maps one record; every problem is a reject naming its line, column and the offending value. */
export function mapRecord(record: CsvRecord, plan: Plan, lookups: Lookups): MappedRecord {
  const { spec } = plan;
  const v = record.values;
  const out: MappedRecord = { rows: [], rejects: [], indicators: [], read: 0 };
  // plain loops, no closures: this runs once per record of every file (800,000 rows for the bundled sources)
  const present: Cell[] = [];
  for (const c of plan.cells) if (isPresent(plan, v[c.column])) present.push(c);
  const presentIndicators: Plan["indicators"] = [];
  for (const i of plan.indicators) if (isPresent(plan, v[i.column])) presentIndicators.push(i);
  out.read = present.length + presentIndicators.length;
  if (!out.read) return out;
  const reject = (column: string | undefined, reason: string) => addReject(out, record, column, reason);

  const t = spec.territory;
  let territoryColumn = t.column;
  let territoryText = (v[t.column] ?? "").trim();
  if (!territoryText && t.fallbackColumn) {
    territoryColumn = t.fallbackColumn;
    territoryText = (v[t.fallbackColumn] ?? "").trim();
  }
  if (territoryText in t.skip) {
    out.skipped = territoryText;
    return out;
  }
  const territoryId = territoryText ? lookups.territory(territoryText) : undefined;
  if (territoryId === undefined) {
    const name =
      t.fallbackColumn && territoryColumn === t.column && v[t.fallbackColumn] ? ` (${v[t.fallbackColumn]})` : "";
    reject(
      territoryColumn,
      territoryText
        ? `unknown territory "${territoryText}"${name}: not a ${t.schemes.join(" / ")} code or alias of the reference`
        : `no territory: column "${territoryColumn}" is empty${spec.territory.fallbackColumn ? ` (${v[spec.territory.fallbackColumn] ?? ""})` : ""}`,
    );
    return out;
  }
  out.territoryId = territoryId;

  // the record's sector, gas and unit (a measure cell may name its own)
  const recordSector = spec.sector.column ? (v[spec.sector.column] ?? "").trim() : spec.sector.fixed;
  const recordGas = (spec.gas.column ? (v[spec.gas.column] ?? "").trim() : spec.gas.fixed) ?? "";
  const recordUnit = (spec.unit.column ? (v[spec.unit.column] ?? "").trim() : spec.unit.fixed) ?? "";
  for (const cell of present) {
    const year = "fixed" in cell.year ? cell.year.fixed : parseYear(v[cell.year.column]);
    if (year === undefined) {
      const col = "column" in cell.year ? cell.year.column : cell.column;
      reject(col, `not a year: "${v[col] ?? ""}"`);
      continue;
    }
    const sectorName = cell.sector ?? recordSector;
    const sector = sectorName ? lookups.sourceSector(sectorName) : undefined;
    if (!sector) {
      reject(spec.sector.column, `unknown sector "${sectorName ?? ""}": not in the crosswalk of ${spec.id}`);
      continue;
    }
    const gasName = cell.gas ?? recordGas;
    let gasId = plan.gasIds.get(gasName);
    if (gasId === undefined && !plan.gasIds.has(gasName)) {
      gasId = lookups.gas(gasCode(gasName, spec.gas.map));
      plan.gasIds.set(gasName, gasId);
    }
    if (gasId === undefined) {
      reject(spec.gas.column, `unknown gas "${gasName}"`);
      continue;
    }
    const unitText = cell.unit ?? recordUnit;
    let unit = plan.units.get(unitText);
    if (!unit) {
      try {
        unit = parseUnit(unitText);
      } catch (e) {
        unit = e as UnitError;
      }
      plan.units.set(unitText, unit);
    }
    if (unit instanceof UnitError) {
      reject(spec.unit.column, unit.message);
      continue;
    }
    const gwp = cell.gwp !== undefined ? cell.gwp : spec.gwp;
    if (unit.co2e && !gwp) {
      reject(spec.unit.column, `"${unitText}" is CO2e but the spec gives no GWP set`);
      continue;
    }
    const text = v[cell.column].trim();
    const original = parseNumber(text);
    if (Number.isNaN(original)) {
      reject(cell.column, `not a number: "${shorten(text)}"`);
      continue;
    }
    const value = toTonnes(text, unit);
    if (!Number.isFinite(original) || !Number.isFinite(value)) {
      reject(cell.column, `out of range: "${shorten(text)}" ${unitText} is not a finite number of tonnes`);
      continue;
    }
    if (Math.abs(value) > MAX_TONNES) {
      reject(cell.column, `implausible: "${shorten(text)}" ${unitText} is more than ${MAX_TONNES} t in one year`);
      continue;
    }
    if (spec.nonNegative && original < 0) {
      reject(cell.column, `negative value "${shorten(text)}": ${spec.id} values cannot be negative`);
      continue;
    }
    out.rows.push({
      line: record.line,
      territoryText,
      territoryId,
      sourceSectorId: sector.id,
      sectorId: sector.sectorId,
      gasId,
      year,
      value,
      gwp: unit.co2e ? gwp : null,
      originalValue: original,
      originalUnit: unitText,
    });
  }

  if (presentIndicators.length) {
    const yearColumn = spec.layout.kind === "wide" ? undefined : spec.layout.year;
    const year = yearColumn ? parseYear(v[yearColumn]) : undefined;
    for (const i of presentIndicators) {
      const value = parseNumber(v[i.column]);
      if (year === undefined) reject(yearColumn, `not a year: "${yearColumn ? v[yearColumn] : ""}"`);
      else if (Number.isNaN(value)) reject(i.column, `not a number: "${shorten(v[i.column])}"`);
      else if (!Number.isFinite(value))
        reject(i.column, `out of range: "${shorten(v[i.column])}" is not a finite number`);
      else out.indicators.push({ indicator: i.indicator, year, value, unit: i.unit });
    }
  }
  return out;
}
