// Applies the committed migrations (Prisma's standard layout) in order, recording each in
// Prisma's own `_prisma_migrations` table, so that `prisma migrate deploy` agrees where the
// native engine exists. Works on all three drivers.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Database } from "./client.ts";

export const migrationsDir = path.join(import.meta.dirname, "migrations");

const createTable = `create table if not exists "_prisma_migrations" (
  "id" varchar(36) primary key,
  "checksum" varchar(64) not null,
  "finished_at" timestamptz,
  "migration_name" varchar(255) not null,
  "logs" text,
  "rolled_back_at" timestamptz,
  "started_at" timestamptz not null default now(),
  "applied_steps_count" integer not null default 0
)`;

/** Applies the migrations not applied yet; returns their names (empty when up to date). */
export async function migrate(database: Database, dir = migrationsDir): Promise<string[]> {
  const names = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  await database.exec(createTable);
  return database.transaction(async (tx) => {
    // one migrator at a time, across processes
    await tx.query("select pg_advisory_xact_lock(7413001)");
    const done = new Set(
      (
        await tx.query<{ migration_name: string }>(
          `select migration_name from "_prisma_migrations" where finished_at is not null and rolled_back_at is null`,
        )
      ).map((r) => r.migration_name),
    );
    const applied: string[] = [];
    for (const name of names) {
      if (done.has(name)) continue;
      const text = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      for (const statement of splitStatements(text)) await tx.query(statement);
      await tx.query(
        `insert into "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count) values ($1, $2, $3, now(), 1)`,
        [randomUUID(), createHash("sha256").update(text).digest("hex"), name],
      );
      applied.push(name);
    }
    return applied;
  });
}

/** Names of the migrations not applied yet (all of them on an empty database). */
export async function pendingMigrations(database: Database, dir = migrationsDir): Promise<string[]> {
  const names = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  const [{ exists }] = await database.query<{ exists: boolean }>(
    `select to_regclass('"_prisma_migrations"') is not null as exists`,
  );
  if (!exists) return names.sort();
  const done = new Set(
    (
      await database.query<{ migration_name: string }>(
        `select migration_name from "_prisma_migrations" where finished_at is not null and rolled_back_at is null`,
      )
    ).map((r) => r.migration_name),
  );
  return names.filter((n) => !done.has(n)).sort();
}

/** Splits migration SQL on semicolons that end a line, outside dollar-quoted bodies. */
export function splitStatements(text: string): string[] {
  const out: string[] = [];
  let current = "";
  let inDollar = false;
  for (const line of text.split("\n")) {
    if (line.trimStart().startsWith("--") && !inDollar) continue;
    current += `${line}\n`;
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) inDollar = !inDollar;
    if (!inDollar && line.trimEnd().endsWith(";")) {
      if (current.trim()) out.push(current.trim());
      current = "";
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
