import { FilterError } from "../errors.js";
import { formatFixed } from "../values/number-format.js";
import { flag, num, text } from "./args.js";
import { defineFilter, type FilterTable } from "./registry.js";

// Ansible's human_readable / human_to_bytes (module_utils/common/text/formatters.py).

const SIZE_RANGES: readonly (readonly [string, number])[] = [
  ["Y", 2 ** 80],
  ["Z", 2 ** 70],
  ["E", 2 ** 60],
  ["P", 2 ** 50],
  ["T", 2 ** 40],
  ["G", 2 ** 30],
  ["M", 2 ** 20],
  ["K", 2 ** 10],
  ["B", 1],
];

export function bytesToHuman(size: number, isbits: boolean, unit: string | undefined): string {
  const base = isbits ? "bits" : "Bytes";
  let suffix = "B";
  let limit = 1;
  for ([suffix, limit] of SIZE_RANGES) {
    if ((unit === undefined && size >= limit) || (unit !== undefined && unit.toUpperCase() === suffix[0])) break;
  }
  const label = limit !== 1 ? suffix + base[0] : base;
  return `${formatFixed(size / limit, 2)} ${label}`;
}

function humanToBytes(value: unknown, defaultUnit: string | undefined, isbits: boolean): number {
  const m = /^\s*(\d*\.?\d*)\s*([A-Za-z]+)?/.exec(text(value));
  if (m === null || m[1] === "" || m[1] === ".") throw new FilterError("human_to_bytes", `human_to_bytes() can't interpret following string: ${text(value)}`);
  const n = Number(m[1]);
  const unit = m[2] ?? defaultUnit;
  if (unit === undefined) return Math.round(n);
  const range = SIZE_RANGES.find(([s]) => s === unit[0]?.toUpperCase());
  if (range === undefined) {
    throw new FilterError("human_to_bytes", `human_to_bytes() failed to convert ${text(value)} (unit = ${unit}). The suffix must be one of ${SIZE_RANGES.map(([s]) => s).reverse().join(", ")}`);
  }
  if (unit.length > 1) {
    const cls = isbits ? "b" : "B";
    const longName = isbits ? "bit" : "byte";
    if (!unit.toLowerCase().includes(longName) && unit[1] !== cls) {
      throw new FilterError("human_to_bytes", `human_to_bytes() failed to convert ${text(value)}. Value is not a valid string`);
    }
  }
  return Math.round(n * range[1]);
}

export const sizeFilters: FilterTable = {
  human_readable: defineFilter(["isbits", "unit"], (v, [isbits, unit]) =>
    bytesToHuman(num("human_readable", v), flag(isbits), unit === undefined || unit === null ? undefined : text(unit)),
  ),
  human_to_bytes: defineFilter(["default_unit", "isbits"], (v, [unit, isbits]) =>
    humanToBytes(v, unit === undefined || unit === null ? undefined : text(unit), flag(isbits)),
  ),
};
