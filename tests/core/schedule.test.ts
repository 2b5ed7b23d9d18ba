import { describe, expect, it } from "vitest";
import { nextRun, toAwsCron } from "../../core/schedule.ts";

describe("schedules", () => {
  it("computes the next run in UTC", () => {
    expect(nextRun("0 3 * * *", new Date("2026-12-04T17:00:00Z"))?.toISOString()).toBe("2026-12-05T03:00:00.000Z");
    expect(nextRun("30 4 1 * *", new Date("2026-12-04T17:00:00Z"))?.toISOString()).toBe("2027-01-01T04:30:00.000Z");
  });

  it("turns a 5-field cron into EventBridge syntax", () => {
    expect(toAwsCron("0 3 * * *")).toBe("cron(0 3 * * ? *)");
    expect(toAwsCron("15 2 * * 1")).toBe("cron(15 2 ? * 2 *)");
    expect(toAwsCron("0 5 * * 0,6")).toBe("cron(0 5 ? * 1,7 *)");
    expect(toAwsCron("0 4 1 * *")).toBe("cron(0 4 1 * ? *)");
  });

  it("refuses what EventBridge cannot express or a malformed expression", () => {
    expect(() => toAwsCron("0 3 1 * 1")).toThrow(/cannot restrict both/);
    expect(() => toAwsCron("0 3 * *")).toThrow(/must have 5 fields/);
    expect(() => toAwsCron("99 3 * * *")).toThrow();
  });
});
