import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { ParseError, readCsv, readCsvAll, validUtf8Prefix } from "../../../connectors/engine/parse.ts";

const data = path.join(import.meta.dirname, "../../../data/emissions");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ogs-parse-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Writes bytes to a temp file and returns its path. */
const write = (name: string, bytes: Buffer | string) => {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, bytes);
  return f;
};
const gcp = path.join(data, "gcp/GCB2020v18_MtCO2_flat.csv");
const gcpLines = fs.readFileSync(gcp).toString("latin1").split("\r\n");

describe("parse", () => {
  it("reads GCP's latin-1 CRLF file with each record's line", async () => {
    const rows = await readCsvAll(gcp, { encoding: "latin1", expectColumns: ["Country", "Total"] });
    expect(rows).toHaveLength(61020);
    const civ = rows.find((r) => r.values.Country.endsWith("Ivoire"));
    expect(civ?.values.Country).toBe("Côte d'Ivoire");
    expect(civ?.line).toBe(12422);
    const france2018 = rows.find((r) => r.values["ISO 3166-1 alpha-3"] === "FRA" && r.values.Year === "2018");
    expect(france2018?.values.Total).toBe("331.725446");
    expect(france2018?.values.Total.includes("\r")).toBe(false);
  });

  it("detects latin-1 when asked to, and refuses it as UTF-8 naming file and line", async () => {
    const table = await readCsv(gcp, { encoding: "auto" });
    for await (const _ of table.records);
    expect(table.encoding).toBe("latin1");
    const err = await readCsvAll(gcp, { encoding: "utf-8" }).catch((e) => e);
    expect(err).toBeInstanceOf(ParseError);
    expect(err.message).toMatch(/GCB2020v18_MtCO2_flat\.csv, line 12422: invalid UTF-8/);
  });

  it("reads UTF-8 with a BOM and Unicode subscripts", async () => {
    const cait = fs.readFileSync(path.join(data, "climate-watch/cait_historical_emissions.csv"));
    const f = write("bom.csv", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), cait.subarray(0, 2000)]));
    const table = await readCsv(f, { encoding: "auto", expectColumns: ["Country"] });
    expect(table.header[0]).toBe("Country");
    const first = await table.records.next();
    expect(first.value?.values.Unit).toBe("MtCO₂e");
    expect(first.value?.line).toBe(2);
  });

  it("reads a gzipped file by its magic bytes", async () => {
    const f = write("gcp.csv.gz", gzipSync(fs.readFileSync(gcp)));
    const rows = await readCsvAll(f, { encoding: "latin1" });
    expect(rows).toHaveLength(61020);
  });

  it("skips metadata lines above the header and keeps the file's line numbers", async () => {
    const f = write("meta.csv", `# title\n# source: GCP\n\nnotes\n${gcpLines.slice(0, 5).join("\r\n")}\r\n`);
    const rows = await readCsvAll(f, { encoding: "latin1", skipLines: 4, commentPrefix: "#" });
    expect(rows[0].line).toBe(6);
    expect(rows[0].values.Country).toBe("Afghanistan");
  });

  it("names the file, the line and the missing column of a wrong header", async () => {
    const f = write("header.csv", [gcpLines[0].replace('"Total"', '"Totl"'), ...gcpLines.slice(1, 4)].join("\r\n"));
    const err = await readCsvAll(f, { encoding: "latin1", expectColumns: ["Country", "Total"] }).catch((e) => e);
    expect(err).toBeInstanceOf(ParseError);
    expect(err.message).toMatch(/^header\.csv, line 1, column "Total": missing column "Total"/);
  });

  it("names file and line of a truncated file", async () => {
    const cut = gcpLines.slice(0, 100).join("\r\n");
    const f = write("truncated.csv", cut.slice(0, cut.lastIndexOf(",") - 3));
    const err = await readCsvAll(f, { encoding: "latin1" }).catch((e) => e);
    expect(err).toBeInstanceOf(ParseError);
    expect(err.message).toMatch(/^truncated\.csv, line 100: wrong number of fields/);
  });

  it("names file and line of an unclosed quote", async () => {
    const f = write("quote.csv", `${gcpLines.slice(0, 50).join("\r\n")}\r\n"Afghanistan","AFG",1799,,,,,,,,"`);
    const err = await readCsvAll(f, { encoding: "latin1" }).catch((e) => e);
    expect(err).toBeInstanceOf(ParseError);
    expect(err.message).toMatch(/^quote\.csv, line 51: unclosed quote/);
  });

  it("finds the first invalid UTF-8 byte and a sequence cut by the end of a chunk", () => {
    expect(validUtf8Prefix(Buffer.from("aé", "utf8"))).toEqual({ valid: 3, incompleteTail: false });
    expect(validUtf8Prefix(Buffer.from([0x61, 0xc3]))).toEqual({ valid: 1, incompleteTail: true });
    expect(validUtf8Prefix(Buffer.from([0x61, 0xf4, 0x74]))).toEqual({ valid: 1, incompleteTail: false });
  });
});
