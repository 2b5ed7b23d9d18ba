// Guarding a source's history: a file that parses well but is clearly less complete than the release
// it would replace (a download cut at a line boundary, half the rows, a country, a year or a sector
// gone, a country's cities gone) is refused, the run saying why, and the previous release stays the
// one served; forced (`runConnector(..., { force: true })`, `ogs ingest --force`), it is published.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConnector } from "../../connectors/engine/run.ts";
import { gcp } from "../../connectors/sources/gcp.ts";
import { openghgmap } from "../../connectors/sources/openghgmap.ts";
import type { Connector } from "../../connectors/types.ts";
import { databaseWithTerritories } from "../connectors/sources/helpers.ts";
import type { TestDatabase } from "../helpers/database.ts";
import { fingerprint, GCP_FILE, OPENGHGMAP_FILE } from "./corpus.ts";

const ogs = path.join(import.meta.dirname, "../../bin/ogs.js");
const gcpText = fs.readFileSync(GCP_FILE, "latin1");
const ghgText = fs.readFileSync(OPENGHGMAP_FILE, "utf8");

/** The text cut at the line boundary nearest below `share` of its length. */
const cutAt = (text: string, share: number) =>
  text.slice(0, text.lastIndexOf("\n", Math.floor(text.length * share)) + 1);
/** The header and the data lines that `keep` accepts (0-based index among data lines). */
const filterLines = (text: string, keep: (line: string, i: number) => boolean) => {
  const [header, ...rows] = text.split("\n");
  return [header, ...rows.filter((l, i) => l === "" || keep(l, i))].join("\n");
};
/** GCP with one value column emptied in every line (the first two fields are quoted and may hold commas). */
const emptyColumn = (text: string, column: string) => {
  const header = text.slice(0, text.indexOf("\n")).replace(/"/g, "").trim().split(",");
  const k = header.indexOf(column) - 2;
  return text
    .split("\n")
    .map((l, i) => {
      const m = /^("(?:[^"]|"")*","[^"]*",)([^\r]*)(\r?)$/.exec(l);
      if (i === 0 || !m) return l;
      const rest = m[2].split(",");
      rest[k] = "";
      return m[1] + rest.join(",") + m[3];
    })
    .join("\n");
};

/** GCP with a share of one column's values emptied. */
const thinColumn = (text: string, column: string, keepOneIn: number) => {
  const header = text.slice(0, text.indexOf("\n")).replace(/"/g, "").trim().split(",");
  const k = header.indexOf(column) - 2;
  return text
    .split("\n")
    .map((l, i) => {
      const m = /^("(?:[^"]|"")*","[^"]*",)([^\r]*)(\r?)$/.exec(l);
      if (i === 0 || !m || i % keepOneIn === 0) return l;
      const rest = m[2].split(",");
      rest[k] = "";
      return m[1] + rest.join(",") + m[3];
    })
    .join("\n");
};

interface Case {
  name: string;
  connector: Connector;
  text: string;
  encoding: BufferEncoding;
  /** what the run must say */
  error: RegExp;
}

const cases: Case[] = [
  {
    name: "a download cut at a line boundary at 40%",
    connector: gcp,
    text: cutAt(gcpText, 0.4),
    encoding: "latin1",
    error:
      /^incomplete next to the release it would replace: only \d+ rows against 130145 in release GCB2020v18 \(id \d+\); nothing published \(--force publishes it anyway\)$/,
  },
  {
    name: "a download cut at a line boundary at 90% (the last countries missing)",
    connector: gcp,
    text: cutAt(gcpText, 0.9),
    encoding: "latin1",
    error:
      /^incomplete next to the release it would replace: 001, AE, GB, TC, TM and 15 more present in release GCB2020v18 \(id \d+\) but missing here/,
  },
  {
    name: "45% of the lines kept, spread over the whole file",
    connector: gcp,
    text: filterLines(gcpText, (_, i) => i % 20 < 9),
    encoding: "latin1",
    error: /: only \d+ rows against 130145 in release GCB2020v18/,
  },
  {
    name: "a whole country (France) removed",
    connector: gcp,
    text: filterLines(gcpText, (l) => !l.startsWith('"France",')),
    encoding: "latin1",
    error: /: FR present in release GCB2020v18 \(id \d+\) but missing here; nothing published/,
  },
  {
    name: "a whole year (2019) removed",
    connector: gcp,
    text: filterLines(gcpText, (l) => !/^"[^"]*","[A-Z]*",2019,/.test(l)),
    encoding: "latin1",
    error: /: year\(s\) 2019 present in release GCB2020v18 \(id \d+\) but missing here/,
  },
  {
    name: 'a whole sector emptied (the "Cement" column blank)',
    connector: gcp,
    text: emptyColumn(gcpText, "Cement"),
    encoding: "latin1",
    error: /: sector\(s\) "Cement" present in release GCB2020v18 \(id \d+\) but missing here/,
  },
  {
    name: 'three values of "Flaring" in four emptied',
    connector: gcp,
    text: thinColumn(gcpText, "Flaring", 4),
    encoding: "latin1",
    error: /: only \d+ rows of sector "Flaring" against 20574 in release GCB2020v18/,
  },
  {
    name: "every German city of openGHGMap removed",
    connector: openghgmap,
    text: filterLines(ghgText, (l) => !/^openGHGmap:DE [A-Z0-9]{3}:/.test(l)),
    encoding: "utf8",
    error: /: all 27 city territories of DE present in release openGHGmap:R2021A \(id \d+\) are missing here \(DE /,
  },
  {
    name: "one openGHGMap city in ten removed",
    connector: openghgmap,
    text: filterLines(ghgText, (l, i) => !(/^openGHGmap:[A-Z]{2} [A-Z0-9]{3}:/.test(l) && i % 10 === 0)),
    encoding: "utf8",
    error:
      /: \d+ of the \d+ sub-national territories of release openGHGmap:R2021A \(id \d+\) are missing here \(.*\), more than 5%/,
  },
];

describe("a source's history is guarded against clearly incomplete releases", () => {
  let t: TestDatabase;
  let dir: string;
  const previous = new Map<string, { id: number; rows: number; checksum: string | null }>();

  const newestActive = async (source: string) =>
    (
      await t.db.query<{ id: number }>(
        `select id from release where source_id = $1 and active order by loaded_at desc, id desc limit 1`,
        [source],
      )
    )[0].id;
  const expectPreviousKept = async () => {
    for (const [source, p] of previous) {
      expect(await newestActive(source)).toBe(p.id);
      expect(await fingerprint(t.db, p.id)).toEqual({ rows: p.rows, checksum: p.checksum });
    }
  };
  const write = (name: string, text: string, encoding: BufferEncoding) => {
    const file = path.join(dir, name.replace(/[^a-z0-9]+/gi, "-"), "data.csv");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text, encoding);
    return file;
  };

  beforeAll(async () => {
    t = await databaseWithTerritories("pg");
    for (const c of [gcp, openghgmap]) {
      const run = await runConnector(t.db, c, { config: t.config, trigger: "test" });
      expect(run.status, run.error).toBe("succeeded");
      previous.set(c.id, { id: run.releaseId as number, ...(await fingerprint(t.db, run.releaseId as number)) });
    }
    dir = fs.mkdtempSync(path.resolve("tests/out/history-"));
  });

  const said: string[] = [];
  afterAll(async () => {
    if (said.length) console.log(said.join("\n"));
    await t?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const c of cases) {
    it(`refuses ${c.name}, saying why`, async () => {
      const file = write(c.name, c.text, c.encoding);
      const run = await runConnector(t.db, c.connector, { config: t.config, files: { data: file }, trigger: "test" });
      // taken back if it was published after all, so that one failure does not spill into the next cases
      if (run.releaseId !== undefined) await t.db.query(`delete from release where id = $1`, [run.releaseId]);
      said.push(`${c.name}: ${run.error}`);
      expect(run.status).toBe("failed");
      expect(run.error).toMatch(c.error);
      const [stored] = await t.db.query<{ status: string; error: string }>(
        `select status, error from run where id = $1`,
        [run.runId],
      );
      expect(stored).toEqual({ status: "failed", error: run.error });
      expect(run.releaseId).toBeUndefined();
      await expectPreviousKept();
    });
  }

  it("accepts a release that lacks a few cities (3 of 4,460: within the 5% tolerance)", async () => {
    const gone = ["openGHGmap:FR AMI:", "openGHGmap:IT MIL:", "openGHGmap:ES MAD:"];
    const file = write(
      "three-cities",
      filterLines(ghgText, (l) => !gone.some((g) => l.startsWith(g))),
      "utf8",
    );
    const run = await runConnector(t.db, openghgmap, { config: t.config, files: { data: file }, trigger: "test" });
    expect(run.status, run.error).toBe("succeeded");
    await t.db.query(`delete from release where id = $1`, [run.releaseId]);
    await expectPreviousKept();
  });

  it("publishes an incomplete release when forced, and the previous release stays queryable", async () => {
    const file = write("forced", cutAt(gcpText, 0.4), "latin1");
    const run = await runConnector(t.db, gcp, {
      config: t.config,
      files: { data: file },
      force: true,
      trigger: "test",
    });
    expect(run.status, run.error).toBe("succeeded");
    expect(await newestActive("gcp")).toBe(run.releaseId);
    const p = previous.get("gcp");
    expect(await fingerprint(t.db, p?.id as number)).toEqual({ rows: p?.rows, checksum: p?.checksum });
    await t.db.query(`delete from release where id = $1`, [run.releaseId]);
    await expectPreviousKept();
  });

  it("`ogs ingest` refuses with the reason and exit 1, and publishes with --force", async () => {
    const file = write(
      "cli-de-cities",
      filterLines(ghgText, (l) => !/^openGHGmap:DE [A-Z0-9]{3}:/.test(l)),
      "utf8",
    );
    const ingest = (...extra: string[]) =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(process.execPath, [ogs, "ingest", "openghgmap", "--file", file, ...extra], {
          env: { ...process.env, DATABASE_URL: t.url as string, OGS_DATA_DIR: t.config.dataDir },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout.on("data", (d) => {
          output += d;
        });
        child.stderr.on("data", (d) => {
          output += d;
        });
        child.on("exit", (code) => resolve({ code, output }));
      });
    const refused = await ingest();
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/failed/);
    const [last] = await t.db.query<{ status: string; error: string }>(
      `select status, error from run where connector = 'openghgmap' order by id desc limit 1`,
    );
    expect(last.status).toBe("failed");
    expect(last.error).toMatch(/all 27 city territories of DE .*--force publishes it anyway/);
    await expectPreviousKept();

    const forced = await ingest("--force");
    expect(forced.code, forced.output).toBe(0);
    const newest = await newestActive("openghgmap");
    expect(newest).not.toBe(previous.get("openghgmap")?.id);
    const [{ n }] = await t.db.query<{ n: number }>(
      `select count(*)::int as n from emission e join territory t on t.id = e.territory_id
       where e.release_id = $1 and t.code like 'DE %'`,
      [newest],
    );
    expect(n).toBe(0);
  });
});
