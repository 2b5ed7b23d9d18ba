// Execution compiled by graphql-jit (each document compiled once, then run as plain JavaScript),
// except for a request whose variables do not fit their types: graphql-js rejects those before
// executing, with a 400 and the variable's location, and graphql-jit would answer 200 instead.
import { useGraphQlJit } from "@envelop/graphql-jit";
import type { ExecutionArgs } from "graphql";
import { getOperationAST, getVariableValues } from "../graphql-js.ts";

function variablesFit({ schema, document, operationName, variableValues }: ExecutionArgs): boolean {
  const definitions = getOperationAST(document, operationName)?.variableDefinitions;
  if (!definitions?.length) return true;
  return !getVariableValues(schema, definitions, variableValues ?? {}).errors;
}

export function useJit() {
  return useGraphQlJit({}, { enableIf: variablesFit });
}
