import type { AdversarialCase } from "../case.js";
import { cliCases } from "./cli-options.js";
import { digitalOceanCases, terraformCases } from "./dynamic-inventories.js";
import { extraVarsCases } from "./extra-vars.js";
import { hostileCases } from "./hostile.js";
import { commandInjectionCases } from "./injection-commands.js";
import { fileInjectionCases } from "./injection-files.js";
import { systemInjectionCases } from "./injection-system.js";
import { inventoryCases } from "./inventory.js";
import { patternCases } from "./patterns.js";
import { secretsCases } from "./secrets.js";
import { siteCodeCases, siteRuntimeCases } from "./site-code.js";
import { templateCases } from "./templates.js";
import { unreachableCases } from "./unreachable.js";
import { varsCases } from "./vars.js";

/** Every case of the suite, by category. */
export const CASES: readonly AdversarialCase[] = [
  ...hostileCases,
  ...inventoryCases,
  ...varsCases,
  ...extraVarsCases,
  ...siteCodeCases,
  ...siteRuntimeCases,
  ...templateCases,
  ...patternCases,
  ...cliCases,
  ...secretsCases,
  ...digitalOceanCases,
  ...terraformCases,
  ...fileInjectionCases,
  ...commandInjectionCases,
  ...systemInjectionCases,
  ...unreachableCases,
];
