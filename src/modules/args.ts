import { z } from "zod";

/** Octal modes only ("0644", "644", "1777"): they compare exactly, so idempotence is exact. */
export const Mode = z
  .union([z.string(), z.number().int()])
  .transform((m) => String(m))
  .pipe(z.string().regex(/^0?[0-7]{3,4}$/, "an octal mode such as \"0644\" (symbolic modes are not supported)"));

export const Owner = z.string().min(1).regex(/^[^\s:]+$/, "a user or group name without spaces or ':'");

export const AbsPath = z.string().min(1).regex(/^\//, "an absolute path");

/** Attributes shared by every module that manages a file. */
export const FileAttrs = {
  mode: Mode.optional(),
  owner: Owner.optional(),
  group: Owner.optional(),
};
