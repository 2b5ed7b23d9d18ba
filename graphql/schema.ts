// Imports every type file, then builds the schema.
import { builder } from "./builder.ts";
import "./types/enums.ts";
import "./types/territory.ts";
import "./types/source.ts";
import "./types/gas.ts";
import "./types/sector.ts";
import "./types/emission.ts";
import "./types/aggregate.ts";
import "./types/comparison.ts";
import "./types/connector.ts";
import "./types/admin.ts";
import "./types/derived.ts";
import "./types/availability.ts";

export const schema = builder.toSchema({ sortSchema: true });
