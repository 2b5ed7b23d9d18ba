// What every Lambda handler shares: the configuration and one database per warm container.
import { loadConfig } from "../core/config.ts";
import { type Database, openDatabase, useDatabase } from "../db/client.ts";

let opened: Promise<Database> | undefined;

export function database(): Promise<Database> {
  opened ??= openDatabase(loadConfig()).then((db) => {
    useDatabase(db);
    return db;
  });
  opened.catch(() => {
    opened = undefined; // a database that was away: the next invocation tries again
  });
  return opened;
}

/** Closes the container's database (tests; a Lambda container is simply frozen). */
export async function closeDatabase(): Promise<void> {
  const current = opened;
  opened = undefined;
  if (current) await (await current).close();
  useDatabase(undefined);
}
