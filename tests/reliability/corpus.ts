// A corpus of corrupted variants of the real bundled files, generated on the fly (deterministic:
// a seeded generator for the random bytes). Each variant says which connector reads it and what the
// engine must answer: a failed run whose error names the file and the line (and column when there
// is one), or a run that rejects the bad rows, naming line and column, and loads the rest.
// `npx tsx tests/reliability/corpus.ts <folder>` writes the files for a look by hand.
import fs from "node:fs";
import path from "node:path";
import { createGzip, gzipSync } from "node:zlib";
import type { Sql } from "../../db/client.ts";

const data = path.join(import.meta.dirname, "../../data/emissions");
export const GCP_FILE = path.join(data, "gcp/GCB2020v18_MtCO2_flat.csv");
export const OPENGHGMAP_FILE = path.join(data, "openclimate/openGHGMap_R2021A__EmissionsAgg.csv");

export type CorpusSource = "gcp" | "openghgmap";

export interface Expected {
  status: "failed" | "succeeded";
  /** the run's error (failed) */
  error?: RegExp;
  /** rejected rows beyond those of the good file (GCP 114, openGHGMap 78), and what the first says */
  rejects?: { extra: number; line?: number; column?: string; reason?: RegExp };
  /** the published release has exactly the rows and values of the good file (a harmless difference) */
  sameRows?: boolean;
  /** the published release has as many rows as the good file */
  sameCount?: boolean;
}

export interface Variant {
  name: string;
  /** what the corruption is, for the report */
  what: string;
  source: CorpusSource;
  /** file name (the extension matters to nobody: the engine reads gzip by its magic bytes) */
  file: string;
  expected: Expected;
  /** environment for this case only (a lower size limit) */
  env?: Record<string, string>;
  /** bytes of the variant; written by writeCorpus */
  build(): Buffer | Promise<Buffer>;
}

/** A small deterministic generator (mulberry32) for the binary garbage. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function garbage(bytes: number, seed = 1): Buffer {
  const next = random(seed);
  const b = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) b[i] = Math.floor(next() * 256);
  return b;
}

const gcpText = () => fs.readFileSync(GCP_FILE, "latin1");
const ghgText = () => fs.readFileSync(OPENGHGMAP_FILE, "utf8");
const latin1 = (s: string) => Buffer.from(s, "latin1");
const utf8 = (s: string) => Buffer.from(s, "utf8");

/** 1-based line of the first line that starts with `prefix`. */
export function lineOf(text: string, prefix: string): number {
  const i = text.split("\n").findIndex((l) => l.startsWith(prefix));
  if (i < 0) throw new Error(`no line starts with ${prefix}`);
  return i + 1;
}

/** Replaces the line that starts with `prefix` by fn(line). */
function editLine(text: string, prefix: string, fn: (line: string) => string): string {
  const lines = text.split("\n");
  const i = lines.findIndex((l) => l.startsWith(prefix));
  if (i < 0) throw new Error(`no line starts with ${prefix}`);
  lines[i] = fn(lines[i]);
  return lines.join("\n");
}

/** Sets field k (0-based) of a simple CSV line (no comma inside quotes before k). */
const setField = (line: string, k: number, value: string) => {
  const f = line.split(",");
  f[k] = value;
  return f.join(",");
};

/** Renames header columns a <-> b (the data stays where it is: the columns are swapped). */
function swapHeader(text: string, a: string, b: string): string {
  const nl = text.indexOf("\n");
  const header = text.slice(0, nl).replace(`"${a}"`, "\u0000").replace(`"${b}"`, `"${a}"`).replace("\u0000", `"${b}"`);
  return header + text.slice(nl);
}

/** Every n-th data line (from line 2) transformed. */
function everyNth(text: string, n: number, fn: (line: string) => string): string {
  return text
    .split("\n")
    .map((l, i) => (i > 0 && l && i % n === 0 ? fn(l) : l))
    .join("\n");
}

const FR_2018 = '"France","FRA",2018,';
const AT = "openGHGmap:AT:2018,";
const AMI = "openGHGmap:FR AMI:2018,";

/** One gzip member that expands to `total` bytes: `header`, then `row` repeated (compressed as a
 *  stream, level 1: about a second for 1.25 GiB). Its size trailer tells the truth. */
async function bomb(header: string, row: string, total: number): Promise<Buffer> {
  const chunk = Buffer.from(row.repeat(Math.ceil((4 * 1024 * 1024) / row.length)));
  const gz = createGzip({ level: 1 });
  const parts: Buffer[] = [];
  gz.on("data", (d: Buffer) => parts.push(d));
  const ended = new Promise((resolve) => gz.on("end", resolve));
  gz.write(header);
  for (let n = header.length; n < total; n += chunk.length)
    if (!gz.write(chunk)) await new Promise((resolve) => gz.once("drain", resolve));
  gz.end();
  await ended;
  return Buffer.concat(parts);
}

let bombBytes: Promise<Buffer> | undefined;

/** Sets the ISIZE trailer of the last gzip member: a bomb that lies about its size. */
function forgeTrailer(gz: Buffer, size: number): Buffer {
  const b = Buffer.from(gz);
  b.writeUInt32LE(size, b.length - 4);
  return b;
}

export const GIB = 1024 ** 3;

export function variants(): Variant[] {
  const g = gcpText();
  const o = ghgText();
  const frLine = lineOf(g, FR_2018);
  const atLine = lineOf(o, AT);
  const amiLine = lineOf(o, AMI);
  const ghgHeader = o.slice(0, o.indexOf("\n") + 1);
  const ghgRow = `${o.split("\n")[1]}\n`;
  const parseError = (file: string, line: number | string, rest = "") =>
    new RegExp(`^${file.replace(/\./g, "\\.")}, line ${line}${rest}`);
  const G = "gcp.csv";
  const O = "openghgmap.csv";
  const v: Variant[] = [
    // --- empty, structure, format
    {
      name: "empty",
      what: "an empty file (0 bytes)",
      source: "gcp",
      file: G,
      build: () => Buffer.alloc(0),
      expected: { status: "failed", error: parseError(G, 1, ": no header: the file is empty") },
    },
    {
      name: "header-only",
      what: "the header line and nothing else",
      source: "gcp",
      file: G,
      build: () => latin1(g.slice(0, g.indexOf("\n") + 1)),
      expected: { status: "failed", error: /^no rows read from .*gcp\.csv/ },
    },
    {
      name: "binary-garbage",
      what: "64 KiB of random bytes, declared latin-1",
      source: "gcp",
      file: G,
      build: () => garbage(64 * 1024, 1),
      expected: { status: "failed", error: parseError(G, "\\d+") },
    },
    {
      name: "binary-garbage-utf8",
      what: "64 KiB of random bytes to a UTF-8 connector",
      source: "openghgmap",
      file: O,
      build: () => garbage(64 * 1024, 2),
      expected: { status: "failed", error: parseError(O, 1, ": invalid UTF-8") },
    },
    {
      name: "garbage-in-the-middle",
      what: "4 KiB of random bytes written over the middle of the file",
      source: "gcp",
      file: G,
      build: () => {
        const b = latin1(g);
        garbage(4096, 3).copy(b, Math.floor(b.length / 2));
        return b;
      },
      expected: { status: "failed", error: parseError(G, "3\\d{4}") },
    },
    {
      name: "semicolon-delimiter",
      what: "fields separated by ';' instead of ','",
      source: "gcp",
      file: G,
      build: () => latin1(g.replace(/,/g, ";")),
      expected: { status: "failed", error: parseError(G, 1, ": a quoted field goes on after its closing quote") },
    },
    {
      name: "tab-delimiter",
      what: "fields separated by tabs",
      source: "openghgmap",
      file: O,
      build: () => utf8(o.replace(/,/g, "\t")),
      expected: { status: "failed", error: parseError(O, 1, ', column "actor_id": missing column') },
    },
    {
      name: "json-document",
      what: "a JSON document (UNFCCC DI gases.json) given to a CSV connector",
      source: "gcp",
      file: "gases.json",
      build: () => fs.readFileSync(path.join(data, "unfccc-di/gases.json")),
      expected: { status: "failed", error: /^gases\.json, line \d+/ },
    },
    {
      name: "cr-only-line-ends",
      what: "classic Mac OS line ends (CR only)",
      source: "gcp",
      file: G,
      build: () => latin1(g.replace(/\r\n/g, "\r")),
      expected: { status: "failed", error: parseError(G, 1, ": no line end .* the lines end with CR only") },
    },
    // --- truncations
    {
      name: "truncated-mid-line",
      what: "the download cut in the middle of a line (inside the numbers)",
      source: "gcp",
      file: G,
      build: () => latin1(g.slice(0, g.indexOf("\n", Math.floor(g.length * 0.6)) + 26)),
      expected: { status: "failed", error: parseError(G, "\\d+", ": wrong number of fields") },
    },
    {
      name: "truncated-mid-quote",
      what: "the download cut inside a quoted country name",
      source: "gcp",
      file: G,
      build: () => latin1(g.slice(0, g.indexOf("\n", Math.floor(g.length * 0.3)) + 4)),
      expected: { status: "failed", error: parseError(G, "\\d+", ": unclosed quote") },
    },
    {
      name: "truncated-mid-line-utf8",
      what: "openGHGMap cut in the middle of its last line",
      source: "openghgmap",
      file: O,
      build: () => utf8(o.slice(0, o.lastIndexOf("\n", o.length - 2) + 30)),
      expected: { status: "failed", error: parseError(O, "\\d+", ": wrong number of fields") },
    },
    {
      name: "truncated-gzip",
      what: "a gzip of the file, cut in half",
      source: "gcp",
      file: "gcp.csv.gz",
      build: () => {
        const gz = gzipSync(latin1(g));
        return gz.subarray(0, Math.floor(gz.length / 2));
      },
      expected: { status: "failed", error: /^gcp\.csv\.gz, line \d+: gzip stream is truncated or corrupt/ },
    },
    // --- encodings
    {
      name: "utf8-declared-latin1",
      what: "accented names written in UTF-8 to a latin-1 connector (names are not keys: harmless)",
      source: "gcp",
      file: G,
      build: () => Buffer.from(g.replace(/"Cote d'Ivoire"/g, '"Côte d\'Ivoire"'), "utf8"),
      expected: { status: "succeeded", rejects: { extra: 0 }, sameRows: true },
    },
    {
      name: "latin1-declared-utf8",
      what: "a latin-1 'é' (0xE9) in a UTF-8 file",
      source: "openghgmap",
      file: O,
      build: () => latin1(editLine(o, AMI, (l) => l.replace("openGHGmap:FR AMI", "openGHGmap:FR Amiénois"))),
      expected: { status: "failed", error: parseError(O, amiLine, ": invalid UTF-8 \\(byte 0xe9\\)") },
    },
    {
      name: "invalid-utf8-sequence",
      what: "an invalid UTF-8 sequence (0xC3 0x28) in the middle",
      source: "openghgmap",
      file: O,
      build: () => {
        const b = utf8(o);
        const at = b.indexOf(Buffer.from(AT));
        return Buffer.concat([b.subarray(0, at), Buffer.from([0xc3, 0x28]), b.subarray(at)]);
      },
      expected: { status: "failed", error: parseError(O, atLine, ": invalid UTF-8") },
    },
    {
      name: "utf16-le",
      what: "the file saved as UTF-16 LE with a BOM",
      source: "openghgmap",
      file: O,
      build: () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(o, "utf16le")]),
      expected: { status: "failed", error: parseError(O, 1, ": invalid UTF-8") },
    },
    {
      name: "bom-mid-file-latin1",
      what: "a UTF-8 BOM at the start of a line in the middle of a latin-1 file",
      source: "gcp",
      file: G,
      build: () =>
        Buffer.concat([
          latin1(g.slice(0, g.indexOf(FR_2018))),
          Buffer.from([0xef, 0xbb, 0xbf]),
          latin1(g.slice(g.indexOf(FR_2018))),
        ]),
      expected: { status: "failed", error: parseError(G, frLine) },
    },
    {
      name: "bom-mid-file-utf8",
      what: "a BOM (U+FEFF) before a territory code in the middle of a UTF-8 file",
      source: "openghgmap",
      file: O,
      build: () => utf8(editLine(o, AT, (l) => setField(l, 1, "\uFEFFAT"))),
      expected: { status: "succeeded", rejects: { extra: 0 }, sameRows: true },
    },
    // --- columns
    {
      name: "renamed-column",
      what: 'the "Total" column renamed "Total CO2"',
      source: "gcp",
      file: G,
      build: () => latin1(g.replace('"Total"', '"Total CO2"')),
      expected: { status: "failed", error: parseError(G, 1, ', column "Total": missing column "Total"') },
    },
    {
      name: "swapped-year-total",
      what: 'the "Year" and "Total" headers swapped',
      source: "gcp",
      file: G,
      build: () => latin1(swapHeader(g, "Year", "Total")),
      expected: {
        status: "failed",
        error: /rows rejected \(\d+\.\d%\), above the threshold of 5\.0%: nothing published/,
      },
    },
    {
      name: "swapped-iso-country",
      what: 'the "Country" and "ISO 3166-1 alpha-3" headers swapped',
      source: "gcp",
      file: G,
      build: () => latin1(swapHeader(g, "Country", "ISO 3166-1 alpha-3")),
      expected: { status: "failed", error: /above the threshold of 5\.0%: nothing published/ },
    },
    {
      name: "swapped-coal-oil",
      what: 'the "Coal" and "Oil" headers swapped: well-formed and plausible, so not detectable (published)',
      source: "gcp",
      file: G,
      build: () => latin1(swapHeader(g, "Coal", "Oil")),
      expected: { status: "succeeded", rejects: { extra: 0 } },
    },
    {
      name: "extra-field",
      what: "one line with a sixth field",
      source: "openghgmap",
      file: O,
      build: () => utf8(editLine(o, AT, (l) => `${l},extra`)),
      expected: { status: "failed", error: parseError(O, atLine, ": wrong number of fields") },
    },
    {
      name: "unescaped-quote",
      what: "a quote inside a quoted name, not doubled",
      source: "gcp",
      file: G,
      build: () => latin1(editLine(g, FR_2018, (l) => l.replace('"France"', '"Fra"nce"'))),
      expected: { status: "failed", error: parseError(G, frLine, ": a quoted field goes on after its closing quote") },
    },
    // --- values
    {
      name: "huge-1e308-mt",
      what: "1e308 MtCO2: finite in the file, Infinity once in tonnes",
      source: "gcp",
      file: G,
      build: () => latin1(editLine(g, FR_2018, (l) => setField(l, 3, "1e308"))),
      expected: { status: "succeeded", rejects: { extra: 1, line: frLine, column: "Total", reason: /^out of range/ } },
    },
    {
      name: "huge-1e308-t",
      what: "1e308 t for Austria (its one row): a finite double, but no territory emits that",
      source: "openghgmap",
      file: O,
      build: () => utf8(editLine(o, AT, (l) => setField(l, 3, "1e308"))),
      expected: {
        status: "failed",
        error:
          /^incomplete next to the release it would replace: AT present in release .* but missing here; nothing published \(--force publishes it anyway\)$/,
        rejects: {
          extra: 1,
          line: atLine,
          column: "total_emissions",
          reason: /^implausible: "1e308" t CO2 is more than/,
        },
      },
    },
    {
      name: "huge-1e400",
      what: "1e400: beyond a double (Infinity when read)",
      source: "openghgmap",
      file: O,
      build: () => utf8(editLine(o, AMI, (l) => setField(l, 3, "1e400"))),
      expected: {
        status: "succeeded",
        rejects: { extra: 1, line: amiLine, column: "total_emissions", reason: /^out of range/ },
      },
    },
    {
      name: "digits-100k",
      what: "a 100,000-character line: a value of 100,000 digits",
      source: "openghgmap",
      file: O,
      build: () => utf8(editLine(o, AMI, (l) => setField(l, 3, "9".repeat(100_000)))),
      expected: {
        status: "succeeded",
        rejects: {
          extra: 1,
          line: amiLine,
          column: "total_emissions",
          reason: /^out of range: "9{40}\.\.\. \(100000 characters\)"/,
        },
      },
    },
    {
      name: "line-10m",
      what: "a 10,000,000-character line (a field that never ends)",
      source: "openghgmap",
      file: O,
      build: () => utf8(editLine(o, AT, (l) => setField(l, 0, "x".repeat(10_000_000)))),
      expected: { status: "failed", error: parseError(O, "\\d+", ": a record longer than 1000000 characters") },
    },
    {
      name: "nan",
      what: '"NaN" in every 50th line',
      source: "openghgmap",
      file: O,
      build: () => utf8(everyNth(o, 50, (l) => setField(l, 3, "NaN"))),
      expected: {
        status: "succeeded",
        rejects: { extra: 104, line: 51, column: "total_emissions", reason: /^not a number: "NaN"/ },
      },
    },
    {
      name: "infinity",
      what: '"Infinity", "-Infinity" and "inf" for Austria, Amiens and Belgium: rejected, and no release without AT and BE',
      source: "openghgmap",
      file: O,
      build: () =>
        utf8(
          editLine(
            editLine(
              editLine(o, AT, (l) => setField(l, 3, "Infinity")),
              AMI,
              (l) => setField(l, 3, "-Infinity"),
            ),
            "openGHGmap:BE:2018,",
            (l) => setField(l, 3, "inf"),
          ),
        ),
      expected: {
        status: "failed",
        error: /^incomplete next to the release it would replace: AT, BE present in release/,
        rejects: { extra: 3, line: atLine, column: "total_emissions", reason: /^not a number: "Infinity"/ },
      },
    },
    {
      name: "nan-everywhere",
      what: "every value NaN",
      source: "openghgmap",
      file: O,
      build: () => utf8(everyNth(o, 1, (l) => setField(l, 3, "NaN"))),
      expected: { status: "failed", error: /above the threshold of 5\.0%: nothing published/ },
    },
    {
      name: "negative-bottom-up",
      what: "a negative city total in openGHGMap (bottom-up CO2: impossible)",
      source: "openghgmap",
      file: O,
      build: () => utf8(editLine(o, AMI, (l) => l.replace(/,(\d+),openGHGmap/, ",-$1,openGHGmap"))),
      expected: {
        status: "succeeded",
        rejects: {
          extra: 1,
          line: amiLine,
          column: "total_emissions",
          reason: /^negative value .* openghgmap values cannot be negative/,
        },
      },
    },
    {
      name: "negative-fossil-gcp",
      what: "a negative fossil total in GCP (GCP itself publishes 8 negative totals: accepted)",
      source: "gcp",
      file: G,
      build: () => latin1(editLine(g, FR_2018, (l) => setField(l, 3, "-331.725446"))),
      expected: { status: "succeeded", rejects: { extra: 0 }, sameCount: true },
    },
    {
      name: "not-a-year",
      what: 'years written "20l8" in every 100th line',
      source: "openghgmap",
      file: O,
      build: () => utf8(everyNth(o, 100, (l) => setField(l, 2, "20l8"))),
      expected: {
        status: "succeeded",
        rejects: { extra: 52, line: 101, column: "year", reason: /^not a year: "20l8"/ },
      },
    },
    {
      name: "duplicate-conflicting",
      what: "a line repeated with another value",
      source: "openghgmap",
      file: O,
      build: () => utf8(`${o}${o.split("\n")[amiLine - 1].replace(/,(\d+),openGHGmap/, ",1$1,openGHGmap")}\n`),
      expected: { status: "succeeded", rejects: { extra: 2 } },
    },
    {
      name: "duplicate-identical",
      what: "the whole file's lines repeated at its end (identical duplicates: loaded once)",
      source: "openghgmap",
      file: O,
      build: () => utf8(`${o}${o.slice(o.indexOf("\n") + 1)}`),
      expected: { status: "succeeded", rejects: { extra: 78 }, sameRows: true },
    },
    {
      name: "unknown-territories",
      what: "every 10th territory code replaced by a code of no country",
      source: "openghgmap",
      file: O,
      build: () => utf8(everyNth(o, 10, (l) => setField(l, 1, "ZZ QQQ"))),
      expected: { status: "failed", error: /above the threshold of 5\.0%: nothing published/ },
    },
    {
      name: "nul-bytes",
      what: "NUL bytes inside a territory code (PostgreSQL text cannot hold them)",
      source: "openghgmap",
      file: O,
      build: () => utf8(editLine(o, AMI, (l) => setField(l, 1, "FR\u0000AMI"))),
      expected: {
        status: "succeeded",
        rejects: { extra: 1, line: amiLine, column: "actor_id", reason: /^unknown territory "FR\\u0000AMI"/ },
      },
    },
    {
      name: "sql-injection",
      what: "a territory code that is an SQL injection attempt",
      source: "openghgmap",
      file: O,
      build: () => utf8(editLine(o, AMI, (l) => setField(l, 1, "FR AMI'); drop table emission; --"))),
      expected: {
        status: "succeeded",
        rejects: { extra: 1, line: amiLine, column: "actor_id", reason: /^unknown territory "FR AMI'\); drop table/ },
      },
    },
    // --- size
    {
      name: "gzip-bomb",
      what: "a 7.4 MiB gzip that expands to 1.25 GiB of rows",
      source: "openghgmap",
      file: "bomb.csv.gz",
      build: () => {
        bombBytes ??= bomb(ghgHeader, ghgRow, 1.25 * GIB);
        return bombBytes;
      },
      expected: {
        status: "failed",
        error:
          /^bomb\.csv\.gz, line 1: the gzip file says it decompresses to \d+ bytes, more than 1073741824 bytes \(1024 MiB\), the limit/,
      },
    },
    {
      name: "gzip-bomb-lying",
      what: "the same bomb with a forged size trailer (says 1 KiB): stopped while decompressing, at OGS_MAX_RAW_BYTES = 16 MiB",
      source: "openghgmap",
      file: "bomb-lying.csv.gz",
      env: { OGS_MAX_RAW_BYTES: String(16 * 1024 * 1024) },
      build: async () => {
        bombBytes ??= bomb(ghgHeader, ghgRow, 1.25 * GIB);
        return forgeTrailer(await bombBytes, 1024);
      },
      expected: {
        status: "failed",
        error: /^bomb-lying\.csv\.gz, line \d+: the gzip file decompresses to more than 16777216 bytes/,
      },
    },
  ];
  return v;
}

/** Rows and a checksum of every value of a release. */
export async function fingerprint(sql: Sql, releaseId: number) {
  const [r] = await sql.query<{ rows: number; checksum: string | null }>(
    `select count(*)::int as rows,
       md5(string_agg(concat_ws(':', territory_id, source_sector_id, gas_id, year, value, gwp), ','
                      order by territory_id, source_sector_id, gas_id, year)) as checksum
     from emission where release_id = $1`,
    [releaseId],
  );
  return r;
}

/** Writes every variant into `dir`; returns the path of each, by name. */
export async function writeCorpus(dir: string, list = variants()): Promise<Map<string, string>> {
  fs.mkdirSync(dir, { recursive: true });
  const out = new Map<string, string>();
  for (const v of list) {
    // one folder per variant, so that errors name the file as a user would see it
    const file = path.join(dir, v.name, v.file);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, await v.build());
    out.set(v.name, file);
  }
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const dir = process.argv[2] ?? "tests/out/corpus";
  const files = await writeCorpus(dir);
  for (const [name, file] of files) console.log(`${name}\t${fs.statSync(file).size}\t${file}`);
}
