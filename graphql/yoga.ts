// Builds the GraphQL server (no socket: server/serve.ts listens, functions/graphql.ts adapts to Lambda).
// Also serves /export.csv, the CSV export of any slice.
import { createYoga } from "graphql-yoga";
import { useCsvExport } from "../server/export-csv.ts";
import { useQueryLimits } from "./limits.ts";
import { schema } from "./schema.ts";

export const yoga = createYoga({
  schema,
  graphqlEndpoint: "/graphql",
  graphiql: { title: "OpenGeoScales hub" },
  maskedErrors: true,
  landingPage: false,
  plugins: [useQueryLimits(), useCsvExport()],
});
