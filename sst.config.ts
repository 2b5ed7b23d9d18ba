/// <reference path="./.sst/platform/config.d.ts" />
// AWS deployment (SST v3): the GraphQL API with a URL, one Cron per emissions connector, the raw
// data lake bucket, the Neon database URL as a secret, migrations as a deploy step.
export default $config({
  app(input) {
    return {
      name: "opengeoscales",
      home: "aws",
      removal: input?.stage === "production" ? "retain" : "remove",
      protect: input?.stage === "production",
    };
  },
  async run() {
    const { storage } = await import("./infra/storage.ts");
    const { api } = await import("./infra/api.ts");
    const { ingestion } = await import("./infra/ingestion.ts");
    const { migrations } = await import("./infra/migrations.ts");
    const { dashboard } = await import("./infra/dashboard.ts");
    const { database, rawBucket } = storage();
    migrations(database);
    const graphql = api(database);
    ingestion(database, rawBucket);
    const site = dashboard(graphql.url);
    return { api: graphql.url, dashboard: site?.url };
  },
});
