/** Migrations run as a deploy step: a function invoked once per deploy, never from a request. */
export function migrations(database: sst.Secret) {
  const migrator = new sst.aws.Function("Migrator", {
    handler: "functions/migrate.handler",
    runtime: "nodejs20.x",
    timeout: "5 minutes",
    link: [database],
    environment: { OGS_DATA_DIR: "/tmp/ogs" },
    copyFiles: [{ from: "db/migrations", to: "db/migrations" }],
  });
  new aws.lambda.Invocation("MigratorInvocation", {
    functionName: migrator.name,
    input: JSON.stringify({ reason: "deploy" }),
    triggers: { deployedAt: Date.now().toString() },
  });
  return migrator;
}
