// Parse: stream a raw file into records, each with its 1-based line in the file. Handles gzip (by
// magic bytes), UTF-8 with or without BOM and latin-1 (declared or detected), CRLF, metadata lines
// above the header and quoted fields; JSON documents are read whole. Problems name file and line.
import fs from "node:fs";
import path from "node:path";
import { pipeline, Readable, Transform } from "node:stream";
import { createGunzip } from "node:zlib";
import { parse as csvParse } from "csv-parse";
import iconv from "iconv-lite";
import { UserError } from "../../core/errors.ts";

/** A problem in the content of a file: names the file, the line and, when known, the column. */
export class ParseError extends Error {
  override name = "ParseError";
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
    readonly column?: string,
  ) {
    super(`${file}, line ${line}${column ? `, column "${column}"` : ""}: ${message}`);
  }
}

/** "utf-8" refuses invalid bytes; "auto" reads a BOM or valid UTF-8 as UTF-8 and anything else as latin-1. */
export type Encoding = "utf-8" | "latin1" | "windows-1252" | "auto";

export interface CsvOptions {
  encoding?: Encoding;
  delimiter?: string;
  /** lines to drop above the header (metadata, titles) */
  skipLines?: number;
  /** lines above the header that start with this prefix are dropped too ("#") */
  commentPrefix?: string;
  /** header columns that must be there: a missing one throws, naming it */
  expectColumns?: string[];
  /** decides after reading the header which columns must be there (e.g. the 4-digit year columns) */
  checkHeader?: (header: string[]) => string[];
}

export interface CsvRecord {
  /** 1-based line of the file where the record starts */
  line: number;
  values: Record<string, string>;
  /** file the record comes from, when a `records` hook joins several inputs (rejects name it) */
  file?: string;
}

export interface CsvTable {
  header: string[];
  /** line of the header */
  headerLine: number;
  /** the encoding read (declared, or detected so far with "auto") */
  readonly encoding: "utf-8" | "latin1" | "windows-1252";
  records: AsyncGenerator<CsvRecord>;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** Default largest input, as downloaded and once decompressed: 1 GiB. */
export const DEFAULT_MAX_RAW_BYTES = 1024 ** 3;

/** Longest record of a CSV file (or line above its header), in characters. */
export const MAX_RECORD_CHARS = 1_000_000;

/** Largest input accepted, as downloaded and once decompressed: OGS_MAX_RAW_BYTES, default 1 GiB. */
export function maxRawBytes(env: Record<string, string | undefined> = process.env): number {
  const text = env.OGS_MAX_RAW_BYTES;
  if (text === undefined || text === "") return DEFAULT_MAX_RAW_BYTES;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new UserError(`OGS_MAX_RAW_BYTES must be a positive number of bytes, got "${text}"`);
  return n;
}

const mib = (n: number) => `${Math.round((n / 1024 ** 2) * 10) / 10} MiB`;

/** An input larger than maxRawBytes(): a runaway download or a decompression bomb. */
export class InputTooLargeError extends Error {
  override name = "InputTooLargeError";
  constructor(
    readonly limit: number,
    what: string,
  ) {
    super(
      `${what} more than ${limit} bytes (${mib(limit)}), the limit: refused (a decompression bomb or a runaway file? OGS_MAX_RAW_BYTES raises the limit)`,
    );
  }
}

/** A pass-through stream that fails with an InputTooLargeError past `limit` bytes. */
export function byteLimit(limit: number, what: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > limit) done(new InputTooLargeError(limit, what));
      else done(null, chunk);
    },
  });
}

/**
 * Opens a file as a byte stream, gunzipping it when it starts with the gzip magic bytes. Past
 * maxRawBytes() bytes (once decompressed) the stream fails with an InputTooLargeError; a gzip whose
 * trailer already announces more is refused before anything is decompressed.
 */
export async function openBytes(file: string, limit = maxRawBytes()): Promise<NodeJS.ReadableStream> {
  const fd = await fs.promises.open(file, "r");
  const head = Buffer.alloc(2);
  await fd.read(head, 0, 2, 0);
  const gzip = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  const { size } = await fd.stat();
  if (gzip && size >= 18) {
    // ISIZE, the last 4 bytes: the decompressed size modulo 2^32 (a fast refusal, not the guard)
    const trailer = Buffer.alloc(4);
    await fd.read(trailer, 0, 4, size - 4);
    const announced = trailer.readUInt32LE(0);
    // deflate expands at most 1032 times: a larger claim is no size but a truncated or corrupt
    // file, left to the decompressor to report
    if (announced > limit && announced <= size * 1032) {
      await fd.close();
      throw new InputTooLargeError(limit, `the gzip file says it decompresses to ${announced} bytes,`);
    }
  }
  await fd.close();
  if (!gzip && size > limit) throw new InputTooLargeError(limit, `the file has ${size} bytes,`);
  const raw = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  if (!gzip) return raw;
  const limiter = byteLimit(limit, "the gzip file decompresses to");
  pipeline(raw, createGunzip(), limiter, () => {}); // an error anywhere fails the limiter, which the reader sees
  return limiter;
}

/** Reads every byte of a file (gunzipped when gzip); for JSON and small lookup files. */
export async function readBytes(file: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await openBytes(file)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Length of the longest prefix of buf that is valid UTF-8, and whether what follows is only an
 * incomplete sequence cut by the end of the chunk (to be completed by the next chunk).
 */
export function validUtf8Prefix(buf: Buffer): { valid: number; incompleteTail: boolean } {
  let i = 0;
  const n = buf.length;
  while (i < n) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return { valid: i, incompleteTail: false };
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return { valid: i, incompleteTail: true };
      const c = buf[i + k];
      if ((c & 0xc0) !== 0x80) return { valid: i, incompleteTail: false };
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return { valid: i, incompleteTail: false };
    i += need + 1;
  }
  return { valid: n, incompleteTail: false };
}

const countNewlines = (buf: Buffer, end = buf.length) => {
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1 && i < end; i = buf.indexOf(10, i + 1)) n++;
  return n;
};

/**
 * Decodes a byte stream to text chunks with LF line ends. Invalid UTF-8 throws a ParseError naming
 * the line of the first bad byte (never a silent U+FFFD). "auto" decides on the first chunk.
 */
async function* decode(
  bytes: AsyncIterable<Buffer>,
  file: string,
  encoding: Encoding,
  chosen: (e: CsvTable["encoding"]) => void,
): AsyncGenerator<string> {
  let mode: CsvTable["encoding"] | undefined = encoding === "auto" ? undefined : encoding;
  let carry = Buffer.alloc(0);
  let lines = 0;
  let first = true;
  let pendingCr = false;
  let sawMultibyte = false;
  const latin = iconv.getDecoder(mode === "windows-1252" ? "win1252" : "latin1");
  const normalise = (s: string) => {
    let t = pendingCr ? `\r${s}` : s;
    pendingCr = t.endsWith("\r");
    if (pendingCr) t = t.slice(0, -1);
    return t.replace(/\r\n/g, "\n");
  };
  for await (const chunk of bytes) {
    let buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    carry = Buffer.alloc(0);
    if (first) {
      first = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
        buf = buf.subarray(3);
        mode ??= "utf-8";
      }
      if (!mode) {
        const { valid, incompleteTail } = validUtf8Prefix(buf);
        mode = valid === buf.length || incompleteTail ? "utf-8" : "latin1";
      }
      chosen(mode);
    }
    if (mode === "utf-8") {
      const { valid, incompleteTail } = validUtf8Prefix(buf);
      if (valid < buf.length && !incompleteTail && encoding === "auto" && !sawMultibyte) {
        // detected, not declared: everything so far was ASCII, which reads the same in latin-1
        mode = "latin1";
        chosen(mode);
        lines += countNewlines(buf);
        yield normalise(latin.write(buf));
        continue;
      }
      if (encoding === "auto" && !sawMultibyte) sawMultibyte = buf.subarray(0, valid).some((b) => b >= 0x80);
      if (valid < buf.length && !incompleteTail) {
        const line = lines + countNewlines(buf, valid) + 1;
        throw new ParseError(
          file,
          line,
          `invalid UTF-8 (byte 0x${buf[valid].toString(16)}): the file is not UTF-8; declare its encoding (e.g. "latin1") in the spec`,
        );
      }
      carry = Buffer.from(buf.subarray(valid));
      const text = buf.subarray(0, valid);
      lines += countNewlines(text);
      yield normalise(text.toString("utf8"));
    } else {
      lines += countNewlines(buf);
      yield normalise(latin.write(buf));
    }
  }
  if (carry.length) throw new ParseError(file, lines + 1, "invalid UTF-8: the file ends inside a multi-byte character");
  if (first) chosen(mode ?? "utf-8");
  if (pendingCr) yield "\r";
}

/**
 * Streams a CSV file: drops metadata lines, reads the header, checks the expected columns, then
 * yields each record with its line. Throws a ParseError (file, line) on a missing column, an
 * unclosed quote, a record with the wrong number of fields or an encoding error.
 */
export async function readCsv(
  file: string,
  options: CsvOptions = {},
  displayName = path.basename(file),
): Promise<CsvTable> {
  let encoding: CsvTable["encoding"] = "utf-8";
  let bytes: NodeJS.ReadableStream;
  try {
    bytes = await openBytes(file);
  } catch (e) {
    if (e instanceof InputTooLargeError) throw new ParseError(displayName, 1, e.message);
    throw e;
  }
  const text = decode(bytes as AsyncIterable<Buffer>, displayName, options.encoding ?? "utf-8", (e) => {
    encoding = e;
  });
  // Drop the metadata lines ourselves so that csv-parse's line count stays the file's.
  let skipped = 0;
  let buffered = "";
  const skip = options.skipLines ?? 0;
  const body = (async function* () {
    let dropping = true;
    for await (const chunk of text) {
      if (!dropping) {
        yield chunk;
        continue;
      }
      buffered += chunk;
      while (dropping) {
        const nl = buffered.indexOf("\n");
        if (nl === -1) {
          if (buffered.length > MAX_RECORD_CHARS)
            throw new ParseError(
              displayName,
              skipped + 1,
              buffered.includes("\r")
                ? `no line end in the first ${MAX_RECORD_CHARS} characters but carriage returns: the lines end with CR only (classic Mac OS); convert them to LF or CRLF`
                : `a line longer than ${MAX_RECORD_CHARS} characters: not a CSV file, or a line end is missing`,
            );
          break;
        }
        const line = buffered.slice(0, nl);
        const isMeta =
          skipped < skip || (options.commentPrefix !== undefined && line.startsWith(options.commentPrefix));
        if (!isMeta) {
          dropping = false;
          break;
        }
        skipped++;
        buffered = buffered.slice(nl + 1);
      }
      if (!dropping) {
        yield buffered;
        buffered = "";
      }
    }
    if (buffered) yield buffered;
  })();
  const parser = csvParse({
    delimiter: options.delimiter ?? ",",
    info: true,
    bom: true,
    skip_empty_lines: true,
    record_delimiter: "\n",
    max_record_size: MAX_RECORD_CHARS,
  });
  const feed = Readable.from(body, { objectMode: false });
  feed.on("error", (e) => parser.destroy(e));
  feed.pipe(parser);
  const iterator = parser[Symbol.asyncIterator]() as AsyncIterator<{ record: string[]; info: { lines: number } }>;
  const lineOf = (info: { lines: number }, fields: string[]) => {
    let inside = 0; // line ends inside quoted fields
    for (const f of fields) if (f.includes("\n")) inside += f.split("\n").length - 1;
    return skipped + info.lines - inside;
  };
  const wrap = (e: unknown, fallbackLine: number): Error => {
    if (e instanceof ParseError) return e;
    const err = e as Error & { code?: string; lines?: number };
    // csv-parse names one of its codes without the CSV_ prefix
    if (err.code?.startsWith("CSV_") || err.code === "INVALID_OPENING_QUOTE") {
      const line = skipped + (err.lines ?? fallbackLine);
      const what =
        err.code === "CSV_QUOTE_NOT_CLOSED"
          ? "unclosed quote: the file is truncated or a quote is not escaped"
          : err.code === "INVALID_OPENING_QUOTE"
            ? `a quote in the middle of an unquoted field (${JSON.stringify(err.message.replace(/^.*?value is /, "").slice(0, 60))}): binary data, a stray byte-order mark or a wrong delimiter?`
            : err.code === "CSV_INVALID_CLOSING_QUOTE"
              ? `a quoted field goes on after its closing quote (${err.message.replace(/^.*?: /, "")})`
              : err.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH"
                ? `wrong number of fields (${err.message.replace(/^.*?: /, "")}); the file may be truncated`
                : err.code === "CSV_MAX_RECORD_SIZE"
                  ? `a record longer than ${MAX_RECORD_CHARS} characters: a quote is not closed, or the line ends are not LF or CRLF`
                  : err.message;
      return new ParseError(displayName, line, what);
    }
    if (err instanceof InputTooLargeError) return new ParseError(displayName, skipped + fallbackLine, err.message);
    if (err.code === "Z_BUF_ERROR" || err.code === "Z_DATA_ERROR")
      return new ParseError(
        displayName,
        skipped + fallbackLine,
        `gzip stream is truncated or corrupt (${err.message})`,
      );
    return err;
  };
  let first: IteratorResult<{ record: string[]; info: { lines: number } }>;
  try {
    first = await iterator.next();
  } catch (e) {
    throw wrap(e, 1);
  }
  if (first.done) throw new ParseError(displayName, skipped + 1, "no header: the file is empty");
  const header = first.value.record.map((h) => h.trim());
  const headerLine = lineOf(first.value.info, first.value.record);
  const expected = [...(options.expectColumns ?? []), ...(options.checkHeader?.(header) ?? [])];
  const missing = expected.filter((c) => !header.includes(c));
  if (missing.length) {
    parser.destroy();
    throw new ParseError(
      displayName,
      headerLine,
      `missing column${missing.length > 1 ? "s" : ""} ${missing.map((m) => `"${m}"`).join(", ")} in the header (found ${header.map((h) => `"${h}"`).join(", ")})`,
      missing[0],
    );
  }
  let lastLine = headerLine;
  const records = (async function* () {
    while (true) {
      let next: IteratorResult<{ record: string[]; info: { lines: number } }>;
      try {
        next = await iterator.next();
      } catch (e) {
        throw wrap(e, lastLine + 1);
      }
      if (next.done) return;
      const { record, info } = next.value;
      const line = lineOf(info, record);
      lastLine = info.lines + skipped;
      const values: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) values[header[i]] = record[i];
      yield { line, values };
    }
  })();
  return {
    header,
    headerLine,
    get encoding() {
      return encoding;
    },
    records,
  };
}

/** Reads a whole CSV file into memory (small lookup and metadata files). */
export async function readCsvAll(file: string, options: CsvOptions = {}, displayName?: string): Promise<CsvRecord[]> {
  const table = await readCsv(file, options, displayName);
  const out: CsvRecord[] = [];
  for await (const r of table.records) out.push(r);
  return out;
}

/** Reads a JSON document (gzip or not, UTF-8); a syntax error names the file and line. */
export async function readJson(file: string, displayName = path.basename(file)): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = await readBytes(file);
  } catch (e) {
    if (e instanceof InputTooLargeError) throw new ParseError(displayName, 1, e.message);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "Z_BUF_ERROR" || code === "Z_DATA_ERROR")
      throw new ParseError(displayName, 1, `gzip stream is truncated or corrupt (${(e as Error).message})`);
    throw e;
  }
  const { valid, incompleteTail } = validUtf8Prefix(bytes);
  if (valid < bytes.length || incompleteTail)
    throw new ParseError(displayName, countNewlines(bytes, valid) + 1, "invalid UTF-8 in a JSON document");
  const text = bytes.toString("utf8").replace(/^\uFEFF/, "");
  try {
    return JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const line = m ? text.slice(0, Number(m[1])).split("\n").length : text.split("\n").length;
    throw new ParseError(displayName, line, `invalid JSON: ${(e as Error).message}`);
  }
}

/**
 * Records of a JSON document: an array of objects, or the `{columns, data}` shape of the UNFCCC
 * Data Interface (rows as arrays, named by `columns`), found at a dotted path. `line` is the
 * 1-based index of the record.
 */
export function jsonRecords(doc: unknown, file: string, recordsPath?: string, columnsPath?: string): CsvRecord[] {
  const at = (p: string | undefined) =>
    (p ? p.split(".") : []).reduce<unknown>(
      (o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined),
      doc,
    );
  const rows = at(recordsPath);
  if (!Array.isArray(rows)) throw new ParseError(file, 1, `no array of records at "${recordsPath ?? "(root)"}"`);
  const columns = columnsPath ? at(columnsPath) : undefined;
  if (columnsPath && !Array.isArray(columns))
    throw new ParseError(file, 1, `no array of column names at "${columnsPath}"`);
  const names = (columns as unknown[] | undefined)?.map((c) =>
    typeof c === "string" ? c : String((c as Record<string, unknown>).name ?? c),
  );
  return rows.map((row, i) => {
    const values: Record<string, string> = {};
    if (Array.isArray(row)) {
      if (!names) throw new ParseError(file, i + 1, "records are arrays but no columns path is given");
      names.forEach((n, k) => {
        values[n] = row[k] === null || row[k] === undefined ? "" : String(row[k]);
      });
    } else if (row && typeof row === "object") {
      for (const [k, v] of Object.entries(row)) values[k] = v === null || v === undefined ? "" : String(v);
    } else throw new ParseError(file, i + 1, "a record is neither an object nor an array");
    return { line: i + 1, values };
  });
}
