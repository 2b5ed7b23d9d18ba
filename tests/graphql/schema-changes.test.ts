// API stability: a breaking change of schema.graphql against the last release's schema
// (graphql/schema.baseline.graphql) fails unless CHANGELOG.md names what it breaks; deprecations
// carry a reason.
import fs from "node:fs";
import path from "node:path";
import {
  buildSchema,
  findBreakingChanges,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isObjectType,
} from "graphql";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");

/** The schema coordinates a change description names: Type, Type.field, Type.field(arg:). */
function coordinates(description: string): string[] {
  const found = new Set<string>();
  const arg = /\barg (\w+) on (\w+)\.(\w+)/.exec(description);
  if (arg) found.add(`${arg[2]}.${arg[3]}(${arg[1]}:)`);
  for (const m of description.matchAll(/\b([A-Z_]\w*)\.(\w+)\b/g)) found.add(`${m[1]}.${m[2]}`);
  if (!found.size) for (const m of description.matchAll(/\b([A-Z]\w*)\b/g)) found.add(m[1]);
  return [...found];
}

/** The breaking changes from one schema to another that a changelog does not name. */
function unrecorded(before: GraphQLSchema, after: GraphQLSchema, changelog: string) {
  return findBreakingChanges(before, after).filter(
    (change) => !coordinates(change.description).some((c) => changelog.includes(`\`${c}\``)),
  );
}

describe("API stability", () => {
  it("has no breaking change since the last release that CHANGELOG.md does not record", () => {
    const problems = unrecorded(
      buildSchema(read("graphql/schema.baseline.graphql")),
      buildSchema(read("schema.graphql")),
      read("CHANGELOG.md"),
    );
    expect(problems.map((p) => p.description)).toEqual([]);
  });

  it("catches a removed field and a retyped one, and accepts them once the changelog names them", () => {
    const before = buildSchema("type Query { a: Int  b: String  c: Int }");
    const after = buildSchema("type Query { b: Int  c: Int }");
    expect(unrecorded(before, after, "").map((c) => c.type)).toEqual(["FIELD_REMOVED", "FIELD_CHANGED_KIND"]);
    expect(unrecorded(before, after, "- `Query.a` removed, `Query.b` is an Int")).toEqual([]);
  });

  it("gives every deprecation a reason that says what to use instead", () => {
    const schema = buildSchema(read("schema.graphql"));
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("__")) continue;
      const members =
        isObjectType(type) || isInputObjectType(type)
          ? Object.values(type.getFields())
          : isEnumType(type)
            ? type.getValues()
            : [];
      for (const m of members) {
        const reason = (m as { deprecationReason?: string | null }).deprecationReason;
        if (reason != null && (reason === "No longer supported" || reason.length < 10))
          missing.push(`${type.name}.${m.name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
