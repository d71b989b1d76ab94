import type { PyValue } from "./syntax/values.js";
import { keyName, withKeyTable } from "../template/values/dict-keys.js";
import { PyBytes } from "../template/values/py-bytes.js";
import { PyComplex } from "../template/values/py-complex.js";
import { pyEllipsis } from "../template/values/py-ellipsis.js";
import { pyFloat } from "../template/values/py-float.js";
import { pyRepr } from "../template/values/repr.js";
import { pySet, tuple } from "../template/values/tagged.js";

// A Python value as the template engine holds it, so that templates print it as Python would:
// None is null, an int a number (a bigint past 2^53), an integral float a PyFloat, a tuple or a
// set a tagged array, bytes and complex their own classes, a dict a plain object whose non-string
// keys are kept in its key table.

/** A value the engine cannot hold without changing it (e.g. a dict with both 1 and '1' as keys). */
export class UnrepresentableValue extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnrepresentableValue";
  }
}

function intValue(v: bigint): number | bigint {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
}

export function toTemplateValue(v: PyValue): unknown {
  switch (v.type) {
    case "None":
      return null;
    case "bool":
      return v.value;
    case "int":
      return intValue(v.value);
    case "float":
      return pyFloat(v.value);
    case "complex":
      return new PyComplex(v.real, v.imag);
    case "str":
      return v.value;
    case "bytes":
      return new PyBytes(v.value);
    case "Ellipsis":
      return pyEllipsis;
    case "tuple":
      return tuple(v.items.map(toTemplateValue));
    case "list":
      return v.items.map(toTemplateValue);
    case "set":
      return pySet(v.items.map(toTemplateValue));
    case "dict": {
      const keys = v.entries.map(([k]) => toTemplateValue(k));
      const names = keys.map(keyName);
      // A template dict stores each key under str(key): two different Python keys with one
      // name (1 and '1', None and 'None') cannot both be kept, and keeping one would be wrong.
      const seen = new Map<string, unknown>();
      keys.forEach((k, i) => {
        const name = names[i] ?? "";
        const before = seen.get(name);
        if (seen.has(name)) {
          throw new UnrepresentableValue(`a dict with both ${pyRepr(before)} and ${pyRepr(k)} as keys cannot be held here: template dicts key their entries by str(key)`);
        }
        seen.set(name, k);
      });
      const dict = Object.fromEntries(v.entries.map(([, value], i) => [names[i] ?? "", toTemplateValue(value)]));
      return withKeyTable(dict, keys);
    }
  }
}
