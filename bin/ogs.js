#!/usr/bin/env node
// `ogs` in the checkout (npx ogs ...): runs the TypeScript CLI through tsx.
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
