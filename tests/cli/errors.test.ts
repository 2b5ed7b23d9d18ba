import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const ogs = path.join(import.meta.dirname, "../../bin/ogs.js");

/** Runs the CLI; resolves with its exit code and output whatever the code. */
async function ogsRun(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [ogs, ...args], {
      env: { ...process.env, DATABASE_URL: "", ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("ogs on bad input", () => {
  it("prints one line and exits non-zero for a malformed DATABASE_URL", async () => {
    const r = await ogsRun(["migrate"], { DATABASE_URL: "not a url" });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^ogs: invalid configuration: DATABASE_URL must be a postgres/);
  });

  it("names the unreachable server without a stack trace", async () => {
    const r = await ogsRun(["migrate"], { DATABASE_URL: "postgres://postgres@127.0.0.1:1/ogs" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ogs: cannot reach the database at 127\.0\.0\.1:1\/ogs/);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it("names an unwritable data folder", async () => {
    const r = await ogsRun(["migrate"], { OGS_DATA_DIR: "/dev/null/ogs" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ogs: data folder \/dev\/null\/ogs\/pglite is not writable \(ENOTDIR\)/);
  });

  it("refuses an unknown connector, listing the known ones", async () => {
    const r = await ogsRun(["ingest", "no-such-source"], { OGS_DATA_DIR: "tests/out/cli-unknown" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ogs: unknown connector "no-such-source"; known: territories, gwp/);
  });

  it("exits 2 with usage on an unknown command", async () => {
    const r = await ogsRun(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});
