// Applies the migrations: invoked once per deploy by sst.config.ts, never from a request.
import { migrate } from "../db/migrate.ts";
import { seed } from "../db/seed.ts";
import { database } from "./runtime.ts";

export async function handler() {
  const db = await database();
  const applied = await migrate(db);
  await seed(db);
  return { applied };
}
