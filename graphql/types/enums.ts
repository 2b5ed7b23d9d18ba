// The enums of the API contract: mass units, GWP sets, roll-up statuses, breakdown dimensions.
import { GWP_SETS } from "../../core/gwp.ts";
import { MASS_UNITS } from "../../core/mass-unit.ts";
import { builder } from "../builder.ts";

export const MassUnit = builder.enumType("MassUnit", {
  description: "Mass unit of returned values: tonnes, kilotonnes, megatonnes, gigatonnes",
  values: Object.keys(MASS_UNITS) as (keyof typeof MASS_UNITS)[],
});

export const GwpSet = builder.enumType("GwpSet", {
  description:
    "IPCC assessment report and time horizon of a global warming potential (SAR_100 = Second Assessment, 100 years)",
  values: GWP_SETS,
});

export const ValueStatus = builder.enumType("ValueStatus", {
  description: "How a value was obtained along the territory tree",
  values: {
    REPORTED: { description: "published by the source for this territory" },
    DERIVED: { description: "summed from the territory's children, every child having a value" },
    PARTIAL: { description: "summed from the children that have a value; some lack one" },
  },
});

export const BreakdownBy = builder.enumType("BreakdownBy", {
  values: {
    SECTOR: { description: "the child sectors of the sector asked (the top-level sectors for the total)" },
    GAS: { description: "the gases inside the gas asked (CO2, CH4, N2O, F-gases for all greenhouse gases)" },
    SOURCE: { description: "every source with a value for the slice (side by side: sources are never added)" },
    CHILD: { description: "the territory's children in the tree" },
  },
});

export const EmissionOrder = builder.enumType("EmissionOrder", {
  values: ["YEAR_ASC", "YEAR_DESC", "VALUE_ASC", "VALUE_DESC"] as const,
});
