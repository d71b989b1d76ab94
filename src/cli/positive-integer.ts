import { InvalidArgumentError } from "commander";

/** An option's count (`--profile-top 5`): `abc`, `0` or `-3` is a usage error, not a silent NaN. */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("not a positive integer");
  return n;
}
