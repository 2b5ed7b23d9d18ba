// CSV reading shared by the reference connectors: header row, BOM stripped, line numbers kept for rejects.
import { parse } from "csv-parse/sync";

export interface CsvRecord {
  /** file line where the record ends */
  line: number;
  row: Record<string, string>;
}

/** Parses a CSV with a header; `comment` skips lines that start with it (metadata above the header). */
export function readCsv(text: string | Buffer, options: { comment?: string } = {}): CsvRecord[] {
  const records = parse(text, {
    bom: true,
    columns: true,
    info: true,
    skip_empty_lines: true,
    comment: options.comment,
    comment_no_infix: options.comment !== undefined,
  }) as { record: Record<string, string>; info: { lines: number } }[];
  return records.map((r) => ({ line: r.info.lines, row: r.record }));
}
