import { InvalidArgumentError } from "commander";

/** An option's count (`--profile-top 5`): `abc`, `0` or `-3` is a usage error, not a silent NaN. */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("not a positive integer");
  return n;
}

/** A count that may be zero (`--retry-unreachable 0`: none). */
export function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 0) throw new InvalidArgumentError("not a whole number (0 or more)");
  return n;
}
