// The library surface for site files: `import { site, play, role, z } from "do-converge"`.
export { z } from "zod";
export { play, role, site, type Play, type PlayDef, type Role, type RoleDef, type Site, type SiteDef } from "./site/dsl.js";
export type { BlockOptions, Host, Vars } from "./site/host.js";
export type { TaskMeta, TaskResult } from "./site/task-meta.js";
export type { Facts } from "./facts/gather.js";
export { secret } from "./secrets/schema.js";
export { jinja, Jinja, type JinjaMethods, type WithJinja } from "./site/jinja.js";
export { notConverted, type AnsibleTaskToConvertByHand } from "./site/not-converted.js";
