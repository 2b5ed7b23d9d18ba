// The mass units the API answers in. Values are stored in tonnes; conversion happens on the way out.

export const MASS_UNITS = { T: 1, KT: 1e3, MT: 1e6, GT: 1e9 } as const;
export type MassUnit = keyof typeof MASS_UNITS;

/**
 * Tonnes expressed in `unit`, rounded to 12 significant digits: no source publishes more, and the
 * rounding hides binary floating-point noise (331725446 t is 331.725446 Mt, not 331.72544600000003).
 */
export function fromTonnes(tonnes: number, unit: MassUnit): number {
  return roundSignificant(tonnes / MASS_UNITS[unit]);
}

export function roundSignificant(x: number, digits = 12): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(digits));
}
