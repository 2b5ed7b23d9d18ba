import path from "node:path";
import { defineConfig } from "prisma/config";

// Offline machines have no native schema engine: `prisma generate` only checks that this file
// exists. Migrations are applied by `ogs migrate` (db/migrate.ts) and created with
// `npm run migrate:new NAME` (scripts/wasm-schema-engine.ts).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(import.meta.dirname, "scripts/no-schema-engine.sh");

export default defineConfig({
  schema: "schema.prisma",
  migrations: { path: "db/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/unset" },
});
