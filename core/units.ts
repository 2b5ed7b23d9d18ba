// Every mass unit the sources publish, and its conversion to tonnes: the one place where a
// factor lives. Values are scaled through their decimal text ("331.725446" Mt -> 331725446 t),
// so that a figure published with six decimals comes back exactly, not as 331725446.00000006.

export class UnitError extends Error {
  override name = "UnitError";
}

export interface Unit {
  /** the unit as the source writes it */
  text: string;
  /** power of ten that turns the unit into tonnes (Mt -> 6, kt and Gg -> 3, t -> 0) */
  exponent: number;
  /** carbon rather than CO2 (MtC): multiply by 44/12 to get CO2 */
  carbon: boolean;
  /** a CO2-equivalent quantity (MtCO2e, Gg CO2 equivalent), as opposed to a mass of the gas itself */
  co2e: boolean;
}

/** Prefix of a mass unit -> power of ten to tonnes. Gg is kt, Tg is Mt, Pg is Gt. */
const MASS_PREFIXES: Record<string, number> = {
  t: 0,
  tonne: 0,
  tonnes: 0,
  kt: 3,
  gg: 3,
  mt: 6,
  tg: 6,
  gt: 9,
  pg: 9,
  kg: -3,
};

const SUBSCRIPTS: Record<string, string> = { "₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₆": "6" };

/** Replaces Unicode subscript digits by ASCII digits: CO₂ -> CO2, CH₄ -> CH4. */
export function asciiSubscripts(text: string): string {
  return text.replace(/[₀-₉]/g, (c) => SUBSCRIPTS[c] ?? c);
}

/**
 * Parses a unit such as "Mt", "MtCO2", "MtCO₂e", "Gg", "Gg CO₂ equivalent", "t CO2e", "kt CO2-eq",
 * "MtC"; throws a UnitError for anything else (an unknown unit is a configuration or data problem).
 */
export function parseUnit(text: string): Unit {
  const t = asciiSubscripts(text).trim().toLowerCase().replace(/\s+/g, " ");
  const m = /^(kg|t|tonnes?|kt|gg|mt|tg|gt|pg)(?: ?(?:of )?(co2|c|carbon))?(?:[ -]?(e|eq|equivalents?|-eq|e\.))?$/.exec(
    t.replace(/ ?\/ ?(yr|year|a)$/, ""),
  );
  if (!m) throw new UnitError(`unknown unit "${text}"`);
  const [, prefix, species, equivalent] = m;
  if (equivalent && species !== "co2") throw new UnitError(`unknown unit "${text}": an equivalent must be of CO2`);
  return {
    text,
    exponent: MASS_PREFIXES[prefix],
    carbon: species === "c" || species === "carbon",
    co2e: equivalent !== undefined,
  };
}

/** Scales a decimal number by 10^exponent through its text, so the result is the nearest double to the exact value. */
export function scaleDecimal(value: string | number, exponent: number): number {
  const text = typeof value === "number" ? String(value) : value.trim();
  if (exponent === 0) return Number(text);
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:e([+-]?\d+))?$/i.exec(text);
  if (!m) return Number.NaN;
  return Number(`${m[1]}e${Number(m[2] ?? 0) + exponent}`);
}

/** A value in the given unit, in tonnes (of the gas, of CO2 for carbon units, of CO2e for equivalents). */
export function toTonnes(value: string | number, unit: string | Unit): number {
  const u = typeof unit === "string" ? parseUnit(unit) : unit;
  const tonnes = scaleDecimal(value, u.exponent);
  return u.carbon ? (tonnes * 44) / 12 : tonnes;
}

/** Parses a number as sources write it: "1234.5", "-3", "1e3", " 12 "; NaN for anything else. */
export function parseNumber(text: string): number {
  const t = text.trim();
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(t)) return Number.NaN;
  return Number(t);
}
