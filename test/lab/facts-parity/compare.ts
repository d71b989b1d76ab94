import { isDeepStrictEqual } from "node:util";

// The fact-by-fact comparison of the differential facts test (facts-parity.test.ts): what
// ansible-core's setup module reported against what do-converge's gather gives under Ansible's
// names (factsAsVars, the injected `ansible_*` variables).

/** A value's JSON type, recursively: what "same shape" means for a value that changes between two gathers. */
export function shapeOf(v: unknown): unknown {
  if (v === null) return "null";
  if (Array.isArray(v)) return v.map(shapeOf);
  if (typeof v === "object") return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, shapeOf(x)]));
  return typeof v;
}

/** How a fact is compared when its value is not fixed between two gathers, and why. */
export interface Comparison {
  readonly why: string;
  /** Both sides go through this before they are compared for equality. */
  readonly normalize: (v: unknown) => unknown;
}

/** A fact whose value is expected to differ: listed with the reason; it fails the test once it matches. */
export interface KnownDifference {
  readonly why: string;
}

export type Outcome =
  | { fact: string; status: "equal" }
  | { fact: string; status: "known-difference"; why: string }
  | { fact: string; status: "unexpected-difference"; ansible: unknown; ours: unknown }
  | { fact: string; status: "listed-but-equal"; why: string };

/** Every fact either side has, compared: equal (after its comparison's normalization), a known difference, or a failure. */
export function compareFacts(
  ansible: Readonly<Record<string, unknown>>,
  ours: Readonly<Record<string, unknown>>,
  comparisons: Readonly<Record<string, Comparison>>,
  known: Readonly<Record<string, KnownDifference>>,
): Outcome[] {
  const names = [...new Set([...Object.keys(ansible), ...Object.keys(ours)])].sort();
  return names.map((fact): Outcome => {
    const norm = comparisons[fact]?.normalize ?? ((v: unknown) => v);
    const a = fact in ansible ? norm(ansible[fact]) : "<absent>";
    const o = fact in ours ? norm(JSON.parse(JSON.stringify(ours[fact])) as unknown) : "<absent>";
    const equal = isDeepStrictEqual(a, o);
    const listed = known[fact];
    if (listed) return equal ? { fact, status: "listed-but-equal", why: listed.why } : { fact, status: "known-difference", why: listed.why };
    return equal ? { fact, status: "equal" } : { fact, status: "unexpected-difference", ansible: ansible[fact], ours: ours[fact] };
  });
}
