// Small statistics for the cross-source comparison.

export function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** max - min, and that range relative to the median (null when the median is 0 or absent). */
export function spread(values: number[]): { range: number; relative: number | null } | null {
  if (!values.length) return null;
  const range = Math.max(...values) - Math.min(...values);
  const m = median(values);
  return { range, relative: m ? range / Math.abs(m) : null };
}

/** Whether a value departs from the median by more than `threshold` (0.2 = 20%). */
export function isOutlier(value: number, med: number | null, threshold: number): boolean {
  if (med === null || med === 0) return false;
  return Math.abs(value / med - 1) > threshold;
}
