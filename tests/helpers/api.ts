// The API built with a test's settings (createApi), and small request helpers over yoga.fetch.
import type { ApiConfig, Config } from "../../core/config.ts";
import { createApi } from "../../graphql/yoga.ts";

export type Api = ReturnType<typeof createApi>;

/** The API on a test database's configuration, with these API settings changed. */
export function apiWith(config: Config, api: Partial<ApiConfig> = {}, rest: Partial<Config> = {}): Api {
  return createApi({ ...config, ...rest, api: { ...config.api, ...api } });
}

export interface GqlAnswer {
  status: number;
  headers: Headers;
  body: {
    // biome-ignore lint/suspicious/noExplicitAny: answers are JSON whose shape each test asserts
    data?: Record<string, any> | null;
    errors?: {
      message: string;
      locations?: { line: number; column: number }[];
      path?: (string | number)[];
      extensions?: Record<string, unknown>;
    }[];
  };
}

/** POSTs a GraphQL request (a query, or any body) with extra headers. */
export async function post(
  api: Api,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GqlAnswer> {
  const res = await api.fetch("http://hub/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
}

/** The URL of a GraphQL GET request. */
export function getUrl(query: string, variables?: Record<string, unknown>): string {
  const params = new URLSearchParams({ query });
  if (variables) params.set("variables", JSON.stringify(variables));
  return `http://hub/graphql?${params}`;
}
