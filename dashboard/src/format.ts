// Number and date formatting, and CSV: what is shown is what is downloaded.

const significant = new Intl.NumberFormat("en", { maximumSignificantDigits: 4 });
const fixed = new Intl.NumberFormat("en", { maximumFractionDigits: 1, minimumFractionDigits: 1 });

/** 331.725446 -> "331.7"; 0.0123 -> "0.0123"; 12345.6 -> "12,346" */
export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString("en");
  if (abs >= 10) return fixed.format(value);
  return significant.format(value);
}

export function formatShare(share: number | null | undefined): string {
  return share === null || share === undefined ? "–" : `${(share * 100).toFixed(1)}%`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "–";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 16).replace("T", " ");
}

export type CsvRow = Record<string, string | number | null | undefined>;

/** RFC 4180 CSV with a header made of the keys of the first row. */
export function toCsv(rows: CsvRow[]): string {
  if (!rows.length) return "";
  const columns = Object.keys(rows[0]);
  const cell = (v: CsvRow[string]) => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = [columns.join(","), ...rows.map((r) => columns.map((c) => cell(r[c])).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}

export function downloadCsv(filename: string, rows: CsvRow[]): void {
  const url = URL.createObjectURL(new Blob([toCsv(rows)], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
