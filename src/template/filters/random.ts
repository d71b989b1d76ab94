import { randomInt } from "node:crypto";
import { FilterError } from "../errors.js";
import { pyTruthy } from "../values/compare.js";
import { numericValue } from "../values/py-float.js";
import { PythonRandom } from "../values/python-random.js";
import { pyIterable } from "../values/iterate.js";
import { defineFilter, type FilterTable } from "./registry.js";

// Ansible's random and shuffle. With a seed they are deterministic and agree with Ansible
// (CPython's Mersenne Twister, see values/python-random.ts); without one they use the OS's
// randomness, as Ansible's SystemRandom does.

function seeded(seed: unknown): PythonRandom | undefined {
  if (seed === undefined || seed === null) return undefined;
  if (typeof seed === "string" || (typeof seed === "number" && Number.isInteger(seed))) return new PythonRandom(seed);
  if (typeof seed === "boolean") return new PythonRandom(seed ? 1 : 0);
  throw new FilterError("random", "seed must be a string or an integer");
}

export const randomFilters: FilterTable = {
  random: defineFilter(["start", "step", "seed"], (end, [start, step, seed]) => {
    const r = seeded(seed);
    if (typeof end === "number" && Number.isInteger(end)) {
      const s = start === undefined || start === null || !pyTruthy(start) ? 0 : (numericValue(start) ?? 0);
      const st = step === undefined || step === null || !pyTruthy(step) ? 1 : (numericValue(step) ?? 1);
      if (r !== undefined) return r.randrange(s, end, st);
      const n = st > 0 ? Math.ceil((end - s) / st) : Math.ceil((end - s) / st);
      if (n <= 0) throw new FilterError("random", "empty range for randrange()");
      return s + st * randomInt(n);
    }
    if ((start !== undefined && start !== null && pyTruthy(start)) || (step !== undefined && step !== null && pyTruthy(step))) {
      throw new FilterError("random", "start and step can only be used with integer values");
    }
    const items = pyIterable(end);
    if (r !== undefined) return r.choice(items);
    if (items.length === 0) throw new FilterError("random", "Cannot choose from an empty sequence");
    return items[randomInt(items.length)];
  }),
  shuffle: defineFilter(["seed"], (v, [seed]) => {
    const items = [...pyIterable(v)];
    const r = seed === undefined || seed === null || !pyTruthy(seed) ? undefined : seeded(seed);
    if (r !== undefined) return r.shuffle(items);
    for (let i = items.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }),
};
