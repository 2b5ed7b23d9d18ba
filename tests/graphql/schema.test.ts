import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { printedSchema, schemaFile } from "../../graphql/print-schema.ts";

describe("the committed schema", () => {
  it("is the printed schema (run npx tsx graphql/print-schema.ts after an API change)", () => {
    expect(fs.readFileSync(schemaFile, "utf8")).toBe(printedSchema());
  });

  it("keeps the fixed contract of the API", () => {
    const text = printedSchema();
    for (const name of [
      "enum MassUnit",
      "enum GwpSet",
      "enum ValueStatus",
      "territory(code: String!): Territory",
      "territories(after: String, before: String, first: Int, last: Int, level: String, parent: String, search: String): TerritoryConnection!",
      "sources: [Source!]!",
      "sectors: [Sector!]!",
      "gases: [Gas!]!",
      "connectors: [Connector!]!",
      "reportedMinusChildren: Float",
    ])
      expect(text).toContain(name);
  });
});
