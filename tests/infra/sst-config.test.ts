// Evaluates sst.config.ts with stand-in SST globals and checks what it declares.
import { beforeAll, describe, expect, it } from "vitest";
import { connectors } from "../../connectors/registry.ts";
import { toAwsCron } from "../../core/schedule.ts";

interface Declared {
  type: string;
  name: string;
  args: Record<string, unknown>;
}

const declared: Declared[] = [];

function resource(type: string) {
  return class {
    readonly name: string;
    readonly url: string;
    constructor(name: string, args: Record<string, unknown> = {}) {
      this.name = name;
      this.url = `https://${name}.example`;
      declared.push({ type, name, args });
    }
  };
}

let config: { app: (input: { stage: string }) => Record<string, unknown>; run: () => Promise<Record<string, unknown>> };

beforeAll(async () => {
  const g = globalThis as Record<string, unknown>;
  g.$config = (c: unknown) => c;
  g.sst = {
    Secret: resource("sst.Secret"),
    aws: {
      Bucket: resource("sst.aws.Bucket"),
      Function: resource("sst.aws.Function"),
      Cron: resource("sst.aws.Cron"),
      StaticSite: resource("sst.aws.StaticSite"),
    },
  };
  g.aws = { lambda: { Invocation: resource("aws.lambda.Invocation") } };
  // a computed path keeps tsc from type-checking sst.config.ts without SST's types (npm run check:infra does)
  const path = "../../sst.config.ts";
  config = (await import(/* @vite-ignore */ path)).default as typeof config;
  await config.run();
});

const ofType = (type: string) => declared.filter((d) => d.type === type);
const linkNames = (d: Declared) => ((d.args.link ?? []) as { name: string }[]).map((l) => l.name);

describe("sst.config.ts", () => {
  it("keeps production data on removal", () => {
    expect(config.app({ stage: "production" })).toMatchObject({
      name: "opengeoscales",
      home: "aws",
      removal: "retain",
    });
    expect(config.app({ stage: "dev" })).toMatchObject({ removal: "remove" });
  });

  it("declares the API function with a URL, linked to the database secret", () => {
    const api = ofType("sst.aws.Function").find((f) => f.name === "Api");
    expect(api?.args).toMatchObject({ handler: "functions/graphql.handler", url: true });
    expect(linkNames(api as Declared)).toEqual(["DatabaseUrl"]);
  });

  it("declares one Cron per emissions connector on the schedule declared beside it", () => {
    const emissions = connectors.filter((c) => c.kind === "emissions");
    const crons = ofType("sst.aws.Cron");
    expect(crons).toHaveLength(emissions.length);
    for (const c of emissions) {
      const cron = crons.find(
        (d) => (d.args.function as { environment: { OGS_CONNECTOR: string } }).environment.OGS_CONNECTOR === c.id,
      );
      expect(cron?.args.schedule).toBe(toAwsCron(c.schedule));
      const fn = cron?.args.function as Declared["args"];
      expect(fn.handler).toBe("functions/ingest.handler");
      expect(linkNames({ type: "", name: "", args: fn })).toEqual(["DatabaseUrl", "RawBucket"]);
    }
  });

  it("declares the raw bucket and the secret once, and runs migrations as a deploy step", () => {
    expect(ofType("sst.aws.Bucket").map((d) => d.name)).toEqual(["RawBucket"]);
    expect(ofType("sst.Secret").map((d) => d.name)).toEqual(["DatabaseUrl"]);
    const invocation = ofType("aws.lambda.Invocation")[0];
    expect(invocation.args.functionName).toBe("Migrator");
    const migrator = ofType("sst.aws.Function").find((f) => f.name === "Migrator");
    expect(migrator?.args.handler).toBe("functions/migrate.handler");
  });
});
