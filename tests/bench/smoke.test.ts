// Each benchmark script at its smoke size (BENCH_SMOKE=1: tiny inputs, seconds), so that none can
// rot: it runs to the end and prints its table. No timing is asserted: these machines are shared.
import { execFile } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.join(import.meta.dirname, "../..");

function run(script: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", path.join(root, "bench", script)],
      { cwd: root, env: { ...process.env, BENCH_SMOKE: "1" }, maxBuffer: 16 << 20, timeout: 280_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}\n${stderr}` }),
    );
  });
}

describe("the benchmark scripts at smoke size", () => {
  it("bench:ingest, bench:api and bench:scale run and print their tables", { timeout: 300_000 }, async () => {
    const [ingest, api, scale] = await Promise.all([run("ingest.ts"), run("api.ts"), run("scale.ts")]);
    expect(ingest.out).toMatch(/hub\/reference/);
    expect(ingest.out).toMatch(/^PostgreSQL\s+[\d,]+\s+[\d,.]+\s+[\d,.]+\s+COPY FROM STDIN\s+[\d.]+x/m);
    expect(ingest.out).toMatch(/^PGlite\s/m);
    expect(ingest.code, ingest.out).toBe(0);
    expect(api.out).toMatch(/hub\/PGL/);
    for (const q of ["series", "nested", "totals of France's departments", "ranking"])
      expect(api.out).toMatch(new RegExp(`^${q}.*\\d+\\.\\d+x`, "m"));
    expect(api.code, api.out).toBe(0);
    expect(scale.out).toMatch(/^load \(s, whole run incl\. roll-ups\)/m);
    expect(scale.out).toMatch(/^a region's roll-up .*x\s*$/m);
    expect(scale.code, scale.out).toBe(0);
  });
});
