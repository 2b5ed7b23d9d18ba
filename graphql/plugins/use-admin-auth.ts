// Admin operations (every mutation) need an admin API key: none is UNAUTHENTICATED, a partner key
// is FORBIDDEN. Checked once per operation here, before any resolver runs, and again by each admin
// resolver (requireAdmin), so a mutation added without thought is still closed.
import type { DocumentNode, OperationDefinitionNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Config } from "../../core/config.ts";
import type { ApiKeyInfo } from "../../db/api-keys.ts";
import { GraphQLError } from "../graphql-js.ts";
import { callerOfContext } from "./use-api-key.ts";

/** The admin key behind a GraphQL context; throws the client error a refused caller gets. */
export function requireAdmin(ctx: object): ApiKeyInfo {
  const { key } = callerOfContext(ctx);
  if (!key)
    throw new GraphQLError("admin operations need an admin API key: authorization: Bearer ogs_admin_...", {
      extensions: { code: "UNAUTHENTICATED", http: { status: 401 } },
    });
  if (key.role !== "admin")
    throw new GraphQLError(`the key "${key.name}" is a ${key.role} key: admin operations need an admin key`, {
      extensions: { code: "FORBIDDEN", http: { status: 403 } },
    });
  return key;
}

const configs = new WeakMap<object, Config>();

/** The server's configuration (raw store, fetch timeout), for the admin resolvers that run connectors. */
export function adminConfig(ctx: object): Config {
  const config = configs.get(ctx);
  if (!config) throw new Error("no configuration for the admin operations: useAdminAuth({ config }) is not installed");
  return config;
}

function isMutation(document: DocumentNode, name: string | null | undefined): boolean {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === "OperationDefinition");
  const operation = name ? operations.find((o) => o.name?.value === name) : operations[0];
  return operation?.operation === "mutation";
}

export interface AdminAuthOptions {
  config: Config;
}

export function useAdminAuth({ config }: AdminAuthOptions): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (!isMutation(args.document, args.operationName)) return;
      configs.set(args.contextValue as object, config);
      try {
        requireAdmin(args.contextValue as object);
      } catch (e) {
        setResultAndStopExecution({ errors: [e as GraphQLError] });
      }
    },
  };
}
