/** The GraphQL API: one function with a public URL. */
export function api(database: sst.Secret) {
  return new sst.aws.Function("Api", {
    handler: "functions/graphql.handler",
    runtime: "nodejs20.x",
    url: true,
    memory: "1024 MB",
    timeout: "30 seconds",
    link: [database],
    environment: { NODE_ENV: "production", OGS_DATA_DIR: "/tmp/ogs" },
    copyFiles: [{ from: "db/migrations", to: "db/migrations" }],
  });
}
