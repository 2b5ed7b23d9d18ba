// Validation rules beyond Pothos's depth/breadth/cost limits: a cap on aliases (the cheap way to
// multiply a costly field) and on the size of a document.
import type { ValidationRule } from "graphql";
import type { Plugin } from "graphql-yoga";
import { LIMITS } from "./builder.ts";
import { GraphQLError } from "./graphql-js.ts";

export const maxAliases: ValidationRule = (context) => {
  let aliases = 0;
  return {
    Field(node) {
      if (node.alias && ++aliases === LIMITS.aliases + 1) {
        context.reportError(
          new GraphQLError(`the query has more than ${LIMITS.aliases} aliases: split it`, {
            nodes: [node],
            extensions: { code: "TOO_MANY_ALIASES", limit: LIMITS.aliases },
          }),
        );
      }
    },
  };
};

/** Adds the alias rule to yoga's validation. */
export function useQueryLimits(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(maxAliases);
    },
  };
}
