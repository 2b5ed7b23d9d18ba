// Arguments that PostgreSQL would refuse, checked before any resolver runs, so that they are a
// BAD_USER_INPUT naming the argument rather than a database error masked as an internal one: a year
// outside 1..9999 (a fuzzer's 65536, a 2^31-1), a string holding a NUL character (PostgreSQL text
// cannot). Covers literal arguments, variables and input objects (filter.yearFrom).
import type { ObjectValueNode, OperationDefinitionNode, ValueNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import { GraphQLError } from "../graphql-js.ts";

const YEAR_ARGUMENTS = new Set(["year", "yearFrom", "yearTo", "from", "to"]);
export const YEAR_RANGE = { min: 1, max: 9999 };

function check(name: string, value: unknown, problems: string[]) {
  if (typeof value === "string" && value.includes("\u0000")) problems.push(`${name} contains a NUL character`);
  else if (typeof value === "number" && YEAR_ARGUMENTS.has(name) && (value < YEAR_RANGE.min || value > YEAR_RANGE.max))
    problems.push(`${name} ${value} is not a year (${YEAR_RANGE.min}..${YEAR_RANGE.max})`);
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) check(Array.isArray(value) ? name : k, v, problems);
}

function literal(name: string, node: ValueNode, variables: Record<string, unknown>, problems: string[]) {
  if (node.kind === "IntValue") check(name, Number(node.value), problems);
  else if (node.kind === "StringValue") check(name, node.value, problems);
  else if (node.kind === "Variable") check(name, variables[node.name.value], problems);
  else if (node.kind === "ObjectValue")
    for (const f of (node as ObjectValueNode).fields) literal(f.name.value, f.value, variables, problems);
  else if (node.kind === "ListValue") for (const v of node.values) literal(name, v, variables, problems);
}

export function useArgumentChecks(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const variables = (args.variableValues ?? {}) as Record<string, unknown>;
      const problems: string[] = [];
      const visit = (node: { selectionSet?: OperationDefinitionNode["selectionSet"] }) => {
        for (const s of node.selectionSet?.selections ?? []) {
          if (s.kind === "Field")
            for (const a of s.arguments ?? []) literal(a.name.value, a.value, variables, problems);
          if (s.kind !== "FragmentSpread") visit(s);
        }
      };
      for (const d of args.document.definitions)
        if (d.kind === "OperationDefinition" || d.kind === "FragmentDefinition") visit(d);
      if (problems.length)
        setResultAndStopExecution({
          errors: [new GraphQLError(problems.join("; "), { extensions: { code: "BAD_USER_INPUT" } })],
        });
    },
  };
}
