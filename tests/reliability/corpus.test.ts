// Every corrupted variant of the corpus (tests/reliability/corpus.ts), run through the real engine
// on one database where the good files are loaded: each gives a clear error or rejects rows with
// file, line and column; no case crashes, hangs or takes unbounded memory; the good releases stay.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunSummary, runConnector } from "../../connectors/engine/run.ts";
import { gcp } from "../../connectors/sources/gcp.ts";
import { openghgmap } from "../../connectors/sources/openghgmap.ts";
import type { Connector } from "../../connectors/types.ts";
import type { Sql } from "../../db/client.ts";
import { databaseWithTerritories } from "../connectors/sources/helpers.ts";
import type { TestDatabase } from "../helpers/database.ts";
import { type CorpusSource, fingerprint, variants, writeCorpus } from "./corpus.ts";

/** Longest a case may take before it counts as a hang. */
const CASE_TIMEOUT_MS = 60_000;
/** Most the resident memory may grow during one case. */
const CASE_RSS_GROWTH_MB = 600;

const connectors: Record<CorpusSource, Connector> = { gcp, openghgmap };

const newestActive = async (sql: Sql, source: string) =>
  (
    await sql.query<{ id: number }>(
      `select id from release where source_id = $1 and active order by loaded_at desc, id desc limit 1`,
      [source],
    )
  )[0]?.id;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not end within ${ms} ms`)), ms);
    }),
  ]);
}

interface Outcome {
  name: string;
  source: string;
  status: string;
  rejected: number;
  ms: number;
  rssGrowthMb: number;
  said: string;
}

describe("a corpus of corrupted variants of the real files", () => {
  const list = variants();
  let t: TestDatabase;
  let dir: string;
  let files: Map<string, string>;
  const baseline = new Map<string, { id: number; rows: number; checksum: string | null }>();
  const baseRejects = new Map<string, number>();
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    t = await databaseWithTerritories("pg");
    for (const [id, c] of Object.entries(connectors)) {
      const run = await runConnector(t.db, c, { config: t.config, trigger: "test" });
      expect(run.status, run.error).toBe("succeeded");
      const releaseId = run.releaseId as number;
      baseRejects.set(id, run.rowsRejected);
      baseline.set(id, { id: releaseId, ...(await fingerprint(t.db, releaseId)) });
    }
    dir = fs.mkdtempSync(path.resolve("tests/out/corpus-"));
    files = await writeCorpus(dir, list);
  });

  afterAll(async () => {
    if (outcomes.length) {
      console.log(
        outcomes
          .map(
            (o) =>
              `${o.name.padEnd(24)} ${o.source.padEnd(10)} ${o.status.padEnd(9)} rejected ${String(o.rejected).padStart(4)}  ${String(o.ms).padStart(5)} ms  rss +${o.rssGrowthMb} MB  ${o.said}`,
          )
          .join("\n"),
      );
    }
    await t?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Every good release is still there, with the same rows and values, and is the one served. */
  const expectBaselinesKept = async () => {
    for (const [source, b] of baseline) {
      expect(await fingerprint(t.db, b.id), `${source} release ${b.id}`).toEqual({
        rows: b.rows,
        checksum: b.checksum,
      });
      expect(await newestActive(t.db, source)).toBe(b.id);
    }
  };

  it(`has at least 30 variants (${list.length})`, () => {
    expect(list.length).toBeGreaterThanOrEqual(30);
    expect(new Set(list.map((v) => v.name)).size).toBe(list.length);
  });

  for (const v of list) {
    it(`${v.name}: ${v.what}`, async () => {
      const file = files.get(v.name) as string;
      const saved = Object.fromEntries(Object.keys(v.env ?? {}).map((k) => [k, process.env[k]]));
      Object.assign(process.env, v.env);
      const rssBefore = process.memoryUsage().rss;
      let peak = rssBefore;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 10);
      const started = Date.now();
      let run: RunSummary;
      try {
        run = await withTimeout(
          runConnector(t.db, connectors[v.source], { config: t.config, files: { data: file }, trigger: "test" }),
          CASE_TIMEOUT_MS,
          v.name,
        );
      } finally {
        clearInterval(sampler);
        for (const [k, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[k];
          else process.env[k] = value;
        }
      }
      const ms = Date.now() - started;
      const rssGrowthMb = Math.round((Math.max(peak, process.memoryUsage().rss) - rssBefore) / 1024 ** 2);
      // the reject the variant is about: at its line when it names one, else the run's first
      const rejects = await t.db.query<{ file: string; line: number; column: string | null; reason: string }>(
        `select file, line, "column", reason from rejected_row where run_id = $1 and ($2::int is null or line = $2)
         order by id limit 1`,
        [run.runId, v.expected.rejects?.line ?? null],
      );
      const [stored] = await t.db.query<{ status: string; error: string | null }>(
        `select status, error from run where id = $1`,
        [run.runId],
      );
      outcomes.push({
        name: v.name,
        source: v.source,
        status: run.status,
        rejected: run.rowsRejected,
        ms,
        rssGrowthMb,
        said: (
          run.error ??
          (rejects[0] ? `${rejects[0].file}:${rejects[0].line} [${rejects[0].column}] ${rejects[0].reason}` : "")
        ).slice(0, 160),
      });
      try {
        expect(run.status, run.error).toBe(v.expected.status);
        expect(stored.status).toBe(run.status); // the run is recorded as it ended
        if (v.expected.error) {
          expect(run.error).toMatch(v.expected.error);
          expect(stored.error).toBe(run.error);
        }
        const r = v.expected.rejects;
        if (r) {
          expect(run.rowsRejected - (baseRejects.get(v.source) ?? 0)).toBe(r.extra);
          if (r.line !== undefined) expect(rejects[0]?.line).toBe(r.line);
          if (r.column !== undefined) expect(rejects[0]?.column).toBe(r.column);
          if (r.reason) expect(rejects[0]?.reason).toMatch(r.reason);
          if (r.extra > 0) expect(rejects[0]?.file).toBe(v.file);
        }
        if (v.expected.sameCount) {
          const [{ n }] = await t.db.query<{ n: number }>(
            `select count(*)::int as n from emission where release_id = $1`,
            [run.releaseId],
          );
          expect(n).toBe(baseline.get(v.source)?.rows);
        }
        if (v.expected.sameRows) {
          const b = baseline.get(v.source);
          expect(await fingerprint(t.db, run.releaseId as number)).toEqual({ rows: b?.rows, checksum: b?.checksum });
        }
        expect(ms).toBeLessThan(CASE_TIMEOUT_MS);
        expect(rssGrowthMb).toBeLessThan(CASE_RSS_GROWTH_MB);
      } finally {
        // a variant that was published is taken back, so that every case starts from the good releases
        if (run.status === "succeeded" && run.releaseId !== undefined)
          await t.db.query(`delete from release where id = $1`, [run.releaseId]);
      }
      await expectBaselinesKept();
    });
  }

  it("stops the lying gzip bomb in a child process whose heap is capped at 160 MB", async () => {
    const ogs = path.join(import.meta.dirname, "../../bin/ogs.js");
    const file = files.get("gzip-bomb-lying") as string;
    const out = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ["--max-old-space-size=160", ogs, "ingest", "openghgmap", "--file", file], {
        env: {
          ...process.env,
          DATABASE_URL: t.url as string,
          OGS_DATA_DIR: t.config.dataDir,
          OGS_MAX_RAW_BYTES: String(16 * 1024 * 1024),
        },
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
    expect(out.code).toBe(1);
    expect(out.output).toMatch(/failed/);
    const [last] = await t.db.query<{ error: string }>(
      `select error from run where connector = 'openghgmap' order by id desc limit 1`,
    );
    expect(last.error).toMatch(
      /^bomb-lying\.csv\.gz, line \d+: the gzip file decompresses to more than 16777216 bytes/,
    );
    await expectBaselinesKept();
  });
});
