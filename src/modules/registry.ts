import { command, shell } from "./command.js";
import type { ModuleDef } from "./contract.js";
import { copy, file, stat, template } from "./files.js";

/**
 * Every module the host context offers, by method name. The `h.<name>(args, meta)` methods and
 * their argument and result types are derived from this object: adding a module here is all it
 * takes to expose it, typed.
 */
export const modules = { file, copy, template, stat, command, shell } as const;

export type Modules = typeof modules;
export type ModuleName = keyof Modules;
export type AnyModule = ModuleDef<import("zod").ZodType, unknown, unknown>;
