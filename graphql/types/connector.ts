// Connector health: last run, status, rows, rejects, next scheduled run, newest year covered.
import { Cron } from "croner";
import { connectors } from "../../connectors/registry.ts";
import type { Connector as ConnectorDef } from "../../connectors/types.ts";
import { db } from "../../db/client.ts";
import type { Run as RunRow } from "../../generated/prisma/client.ts";
import { builder } from "../builder.ts";
import { reference, releases } from "../request-cache.ts";
import { Run, Source } from "./source.ts";

interface ConnectorShape {
  def: ConnectorDef;
  lastRun: RunRow | null;
  lastSuccess: RunRow | null;
  newestYear: number | null;
}

/** The next time a cron expression (UTC) fires after `from`. */
export function nextRun(schedule: string, from = new Date()): Date | null {
  return new Cron(schedule, { timezone: "UTC", paused: true }).nextRun(from);
}

const Connector = builder.objectRef<ConnectorShape>("Connector").implement({
  description: "A connector and the health of its ingestion",
  fields: (t) => ({
    id: t.string({ resolve: (c) => c.def.id }),
    kind: t.string({ description: "reference | emissions", resolve: (c) => c.def.kind }),
    description: t.string({ resolve: (c) => c.def.description }),
    schedule: t.string({ description: "cron expression, UTC", resolve: (c) => c.def.schedule }),
    nextRun: t.field({ type: "DateTime", nullable: true, resolve: (c) => nextRun(c.def.schedule) }),
    source: t.field({
      type: Source,
      nullable: true,
      resolve: async (c, _a, ctx) => (await reference(ctx)).sources.get(c.def.id) ?? null,
    }),
    status: t.string({
      description: "status of the last run (running | succeeded | unchanged | failed), or never-run",
      resolve: (c) => c.lastRun?.status ?? "never-run",
    }),
    lastRun: t.field({ type: Run, nullable: true, resolve: (c) => c.lastRun }),
    lastSuccess: t.field({ type: Run, nullable: true, resolve: (c) => c.lastSuccess }),
    rowsLoaded: t.int({ nullable: true, resolve: (c) => c.lastRun?.rowsLoaded ?? null }),
    rowsRejected: t.int({ nullable: true, resolve: (c) => c.lastRun?.rowsRejected ?? null }),
    newestYear: t.int({
      nullable: true,
      description: "newest year in the default release",
      resolve: (c) => c.newestYear,
    }),
  }),
});

builder.queryField("connectors", (t) =>
  t.field({
    type: [Connector],
    description: "Every connector with its last run, status, rows, rejects, next scheduled run and newest year",
    resolve: async (_root, _args, ctx) => {
      const [runs, selected] = await Promise.all([
        db().prisma.run.findMany({
          where: {
            id: {
              in: (
                await db().query<{ id: number }>(
                  `select max(id) as id from run group by connector
                   union select max(id) from run where status in ('succeeded', 'unchanged') group by connector`,
                )
              ).map((r) => Number(r.id)),
            },
          },
        }),
        releases(ctx, {}),
      ]);
      const years = await db().query<{ sourceId: string; year: number }>(
        `select r.source_id as "sourceId", max(e.year)::int as year from emission e join release r on r.id = e.release_id
         where e.release_id = any($1::int[]) group by r.source_id`,
        [selected.map((r) => r.id)],
      );
      return connectors.map((def) => {
        const mine = runs.filter((r) => r.connector === def.id).sort((a, b) => b.id - a.id);
        return {
          def,
          lastRun: mine[0] ?? null,
          lastSuccess: mine.find((r) => r.status === "succeeded" || r.status === "unchanged") ?? null,
          newestYear: years.find((y) => y.sourceId === def.id)?.year ?? null,
        };
      });
    },
  }),
);
