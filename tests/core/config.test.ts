import { describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config.ts";
import { ConfigError } from "../../core/errors.ts";

describe("loadConfig", () => {
  it("uses the embedded database in ./.ogs when DATABASE_URL is unset", () => {
    const c = loadConfig({});
    expect(c.driver).toBe("pglite");
    expect(c.pgliteDir).toMatch(/\.ogs\/pglite$/);
  });

  it("uses adapter-pg for a postgres URL and Neon for a neon.tech host or DATABASE_DRIVER=neon", () => {
    expect(loadConfig({ DATABASE_URL: "postgres://u@127.0.0.1:5432/ogs" }).driver).toBe("pg");
    expect(loadConfig({ DATABASE_URL: "postgresql://u:p@ep-cool-1.eu-central-1.aws.neon.tech/ogs" }).driver).toBe(
      "neon",
    );
    expect(loadConfig({ DATABASE_URL: "postgres://u@127.0.0.1/ogs", DATABASE_DRIVER: "neon" }).driver).toBe("neon");
  });

  it("lists every problem at once", () => {
    try {
      loadConfig({ DATABASE_URL: "mysql://x", PORT: "http", DATABASE_DRIVER: "oracle" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join("\n");
      expect(problems).toMatch(/DATABASE_URL must be a postgres/);
      expect(problems).toMatch(/PORT/);
      expect(problems).toMatch(/DATABASE_DRIVER/);
    }
  });

  it("refuses a driver that needs a URL without one", () => {
    expect(() => loadConfig({ DATABASE_DRIVER: "pg" })).toThrow("DATABASE_DRIVER=pg needs DATABASE_URL");
  });
});

describe("loadConfig inside Lambda", () => {
  it("reads the database URL and the raw bucket from SST's linked resources", () => {
    const c = loadConfig({
      SST_RESOURCE_DatabaseUrl: JSON.stringify({
        type: "sst.sst.Secret",
        value: "postgresql://u:p@ep-x.neon.tech/ogs",
      }),
      SST_RESOURCE_RawBucket: JSON.stringify({ type: "sst.aws.Bucket", name: "ogs-raw-123" }),
      OGS_DATA_DIR: "/tmp/ogs",
    });
    expect(c.driver).toBe("neon");
    expect(c.rawBucket).toBe("ogs-raw-123");
  });
});
