// Prints the schema to schema.graphql at the top of the repository (npx tsx graphql/print-schema.ts),
// or checks it is up to date (--check: exits 1 when it differs).
import fs from "node:fs";
import path from "node:path";
import { printSchema } from "./graphql-js.ts";
import { schema } from "./schema.ts";

export const schemaFile = path.join(import.meta.dirname, "../schema.graphql");

export function printedSchema(): string {
  return `${printSchema(schema)}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const text = printedSchema();
  if (process.argv.includes("--check")) {
    const current = fs.existsSync(schemaFile) ? fs.readFileSync(schemaFile, "utf8") : "";
    if (current !== text) {
      console.error("schema.graphql is out of date: run npx tsx graphql/print-schema.ts");
      process.exit(1);
    }
  } else {
    fs.writeFileSync(schemaFile, text);
    console.log(`wrote ${path.relative(process.cwd(), schemaFile)}`);
  }
}
