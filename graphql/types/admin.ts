// Admin operations, the Mutation type: run a connector (optionally forcing a release the history
// guard refuses), switch a release on or off, roll a source back to its previous release. Every
// field needs an admin API key (graphql/plugins/use-admin-auth.ts); each action is logged with the
// key's name, never its token.
import { emitPublish } from "../../connectors/engine/events.ts";
import { type RunSummary, runConnector } from "../../connectors/engine/run.ts";
import { findConnector } from "../../connectors/registry.ts";
import { db } from "../../db/client.ts";
import { builder } from "../builder.ts";
import { clientError } from "../errors.ts";
import { adminConfig, requireAdmin } from "../plugins/use-admin-auth.ts";

const log = (key: string, what: string) => console.log(`admin key "${key}": ${what}`);

const ConnectorRun = builder.objectRef<RunSummary>("ConnectorRun").implement({
  description: "The outcome of a connector run started by an admin",
  fields: (t) => ({
    runId: t.exposeInt("runId"),
    connector: t.exposeString("connector"),
    status: t.exposeString("status", { description: "succeeded | unchanged | failed" }),
    release: t.prismaField({
      type: "Release",
      nullable: true,
      description: "the release published (or the existing one the content matched)",
      resolve: (query, r) =>
        r.releaseId ? db().prisma.release.findUnique({ ...query, where: { id: r.releaseId } }) : null,
    }),
    rowsRead: t.exposeInt("rowsRead"),
    rowsLoaded: t.exposeInt("rowsLoaded"),
    rowsRejected: t.exposeInt("rowsRejected"),
    error: t.exposeString("error", { nullable: true, description: "why the run failed, e.g. the history guard" }),
    ms: t.exposeInt("ms"),
  }),
});

builder.mutationType({ description: "Admin operations: every field needs an admin API key" });

builder.mutationField("runConnector", (t) =>
  t.field({
    type: ConnectorRun,
    description:
      "Runs a connector now on its bundled sample (or its upstream URLs); force publishes a release the history guard refuses",
    args: {
      id: t.arg.string({ required: true }),
      force: t.arg.boolean({ defaultValue: false }),
      upstream: t.arg.boolean({ defaultValue: false }),
    },
    resolve: async (_root, args, ctx) => {
      const key = requireAdmin(ctx);
      const connector = findConnector(args.id);
      if (!connector) throw clientError("NOT_FOUND", `no connector ${JSON.stringify(args.id)}: see Query.connectors`);
      log(key.name, `runs ${connector.id}${args.force ? " (forced)" : ""}`);
      return runConnector(db(), connector, {
        config: adminConfig(ctx),
        force: args.force ?? false,
        upstream: args.upstream ?? false,
        trigger: "api",
      });
    },
  }),
);

async function setActive(id: number, active: boolean) {
  const rows = await db().query<{ id: number; sourceId: string }>(
    `update release set active = $2 where id = $1 returning id, source_id as "sourceId"`,
    [id, active],
  );
  if (!rows.length) throw clientError("NOT_FOUND", `no release ${id}`);
  emitPublish({ source: rows[0].sourceId, releaseId: id, kind: active ? "activated" : "deactivated" });
  return rows[0];
}

builder.mutationField("setReleaseActive", (t) =>
  t.prismaField({
    type: "Release",
    description: "Switches a release on or off: queries read the newest active release of each source",
    args: { id: t.arg.int({ required: true }), active: t.arg.boolean({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const key = requireAdmin(ctx);
      await setActive(args.id, args.active);
      log(key.name, `${args.active ? "activates" : "deactivates"} release ${args.id}`);
      return db().prisma.release.findUniqueOrThrow({ ...query, where: { id: args.id } });
    },
  }),
);

builder.mutationField("rollbackRelease", (t) =>
  t.prismaField({
    type: "Release",
    description: "Deactivates the release a source serves by default; returns the previous active release, now served",
    args: { source: t.arg.string({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const key = requireAdmin(ctx);
      const active = await db().query<{ id: number }>(
        `select id from release where source_id = $1 and active order by loaded_at desc, id desc limit 2`,
        [args.source],
      );
      if (!active.length) throw clientError("NOT_FOUND", `${args.source} has no active release`);
      if (active.length < 2)
        throw clientError(
          "BAD_USER_INPUT",
          `${args.source} has no earlier active release to roll back to: setReleaseActive(active: false) switches it off anyway`,
        );
      await setActive(active[0].id, false);
      log(key.name, `rolls ${args.source} back from release ${active[0].id} to ${active[1].id}`);
      return db().prisma.release.findUniqueOrThrow({ ...query, where: { id: active[1].id } });
    },
  }),
);
