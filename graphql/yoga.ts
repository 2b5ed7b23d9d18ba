// Builds the GraphQL server (no socket: server/serve.ts listens, functions/graphql.ts adapts to Lambda).
import { createYoga } from "graphql-yoga";
import { schema } from "./schema.ts";

export const yoga = createYoga({
  schema,
  graphqlEndpoint: "/graphql",
  graphiql: { title: "OpenGeoScales hub" },
  maskedErrors: true,
  landingPage: false,
});
