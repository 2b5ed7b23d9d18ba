// A frontend's integration of the hub: one typed query for a territory's emissions by sector and
// gas (territory -> sectors -> gases), sent with fetch from a browser or a server. `npm test`
// type-checks it against schema.graphql (tests/examples/territory-client.test.ts), so an API
// change that breaks it fails there first.
import { print } from "@0no-co/graphql.web";
import { graphql, type ResultOf, type VariablesOf } from "./graphql.ts";

export const TerritorySectorsQuery = graphql(`
  query TerritorySectors($code: String!, $yearFrom: Int!, $yearTo: Int!, $unit: MassUnit) {
    territory(code: $code) {
      code
      name
      sectors(yearFrom: $yearFrom, yearTo: $yearTo, unit: $unit) {
        source
        sector {
          code
          name
        }
        total
        gases {
          gas {
            code
          }
          gwp
          series {
            year
            value
          }
        }
      }
    }
  }
`);

/** The same document as a trusted (persisted) operation: a server with OGS_PERSISTED_ONLY runs it by hash. */
export const TerritorySectorsPersisted = graphql.persisted<typeof TerritorySectorsQuery>(
  "sha256:967f0688e04d2db463aa08c285602092f0ca1d910575f5a86cc085194cc4a6ef",
);

export type TerritorySectors = ResultOf<typeof TerritorySectorsQuery>;

export interface ClientOptions {
  /** e.g. https://api.example.org/graphql */
  endpoint: string;
  /** a partner key (higher rate limit); public reads need none */
  apiKey?: string;
  /** send the persisted operation's id instead of the document */
  persisted?: boolean;
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

/** Fetches a territory's sectors and gases; throws with the API's message when it answers errors. */
export async function fetchTerritorySectors(
  variables: VariablesOf<typeof TerritorySectorsQuery>,
  options: ClientOptions,
): Promise<TerritorySectors["territory"]> {
  const send = options.fetch ?? fetch;
  const body = options.persisted
    ? { documentId: TerritorySectorsPersisted.documentId, variables }
    : { query: print(TerritorySectorsQuery), variables };
  const response = await send(options.endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json, application/json",
      ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const result = (await response.json()) as { data?: TerritorySectors; errors?: { message: string }[] };
  if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join("; "));
  if (!result.data) throw new Error(`the hub answered ${response.status} without data`);
  return result.data.territory;
}
