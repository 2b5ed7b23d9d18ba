// Persisted operations (trusted documents): a manifest { "<sha256 of the document>": "<document>" }
// that clients refer to by hash, with Apollo's `extensions.persistedQuery.sha256Hash` or the
// GraphQL-over-HTTP `documentId` ("sha256:<hash>"). With `required`, any other document is refused,
// except from an admin key (operators keep ad-hoc access); without, ad-hoc queries stay open.
import { createHash } from "node:crypto";
import fs from "node:fs";
import { usePersistedOperations as useYogaPersistedOperations } from "@graphql-yoga/plugin-persisted-operations";
import type { GraphQLParams, Plugin } from "graphql-yoga";
import { ConfigError } from "../../core/errors.ts";
import { callerOf } from "./use-api-key.ts";

export interface PersistedOperationsOptions {
  /** path of the JSON manifest; none: no persisted operation is known */
  manifest?: string;
  /** refuse documents that are not in the manifest */
  required: boolean;
}

const bare = (id: string) => id.replace(/^sha256:/, "");

/** Reads a manifest and checks that every key is the SHA-256 of its document. */
export function readManifest(file: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new ConfigError([`OGS_PERSISTED_OPERATIONS ${file}: ${(e as Error).message}`]);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw new ConfigError([`OGS_PERSISTED_OPERATIONS ${file}: must be a JSON object of hash -> document`]);
  const problems: string[] = [];
  const manifest = new Map<string, string>();
  for (const [id, document] of Object.entries(parsed)) {
    if (typeof document !== "string") problems.push(`${file}: ${id} is not a document string`);
    else if (createHash("sha256").update(document).digest("hex") !== bare(id))
      problems.push(`${file}: ${id} is not the SHA-256 of its document`);
    else manifest.set(bare(id), document);
  }
  if (problems.length) throw new ConfigError(problems);
  return manifest;
}

function extractId(params: GraphQLParams): string | null {
  const documentId = (params as GraphQLParams & { documentId?: unknown }).documentId;
  if (typeof documentId === "string") return bare(documentId);
  const pq = (params.extensions as { persistedQuery?: { version?: number; sha256Hash?: unknown } } | undefined)
    ?.persistedQuery;
  return typeof pq?.sha256Hash === "string" ? bare(pq.sha256Hash) : null;
}

export function usePersistedOperations({ manifest, required }: PersistedOperationsOptions): Plugin {
  const documents = manifest ? readManifest(manifest) : new Map<string, string>();
  return useYogaPersistedOperations({
    getPersistedOperation: (id) => documents.get(id) ?? null,
    extractPersistedOperationId: extractId,
    allowArbitraryOperations: (request) => !required || callerOf(request).key?.role === "admin",
    customErrors: {
      notFound: {
        message: "unknown persisted operation: its hash is not in this server's manifest of trusted documents",
        extensions: { code: "PERSISTED_QUERY_NOT_FOUND", http: { status: 400 } },
      },
      persistedQueryOnly: {
        message:
          "this server runs persisted operations only (trusted documents): send the document's SHA-256 as documentId or extensions.persistedQuery.sha256Hash instead of a query",
        extensions: { code: "PERSISTED_QUERY_ONLY", http: { status: 400 } },
      },
      keyNotFound: {
        message: "no query and no persisted operation id: send a query, or documentId",
        extensions: { code: "PERSISTED_QUERY_ID_REQUIRED", http: { status: 400 } },
      },
    },
  }) as Plugin;
}
