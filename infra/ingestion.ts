import { connectors } from "../connectors/registry.ts";
import { toAwsCron } from "../core/schedule.ts";

/** One Cron per emissions connector, on the schedule declared beside the connector. */
export function ingestion(database: sst.Secret, rawBucket: sst.aws.Bucket) {
  return connectors
    .filter((c) => c.kind === "emissions")
    .map(
      (c) =>
        new sst.aws.Cron(`Ingest${pascal(c.id)}`, {
          schedule: toAwsCron(c.schedule),
          function: {
            handler: "functions/ingest.handler",
            runtime: "nodejs20.x",
            memory: "2048 MB",
            timeout: "15 minutes",
            link: [database, rawBucket],
            environment: { OGS_CONNECTOR: c.id, OGS_DATA_DIR: "/tmp/ogs" },
          },
        }),
    );
}

const pascal = (id: string) =>
  id
    .split(/[^a-zA-Z0-9]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
