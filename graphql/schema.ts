// Imports every type file, then builds the schema.
import { builder } from "./builder.ts";
import "./types/territory.ts";

export const schema = builder.toSchema();
