// The exceptions CPython raises while it parses and evaluates a literal, as one typed error. The
// class name matters to callers: Ansible catches some (ValueError, SyntaxError and their
// subclasses) and lets others through, so each failure carries the exact class Python would raise.

export type PyErrorClass =
  | "SyntaxError"
  | "IndentationError"
  | "TabError"
  | "ValueError"
  | "UnicodeEncodeError"
  | "TypeError"
  | "OverflowError"
  | "MemoryError"
  | "RecursionError";

const BASES: Readonly<Record<PyErrorClass, readonly string[]>> = {
  SyntaxError: ["SyntaxError"],
  IndentationError: ["IndentationError", "SyntaxError"],
  TabError: ["TabError", "IndentationError", "SyntaxError"],
  ValueError: ["ValueError"],
  UnicodeEncodeError: ["UnicodeEncodeError", "UnicodeError", "ValueError"],
  TypeError: ["TypeError"],
  OverflowError: ["OverflowError", "ArithmeticError"],
  MemoryError: ["MemoryError"],
  RecursionError: ["RecursionError", "RuntimeError"],
};

/** Python's isinstance(error, base) for these classes, e.g. ("IndentationError", "SyntaxError") is true. */
export function isPyErrorSubclass(cls: PyErrorClass, base: string): boolean {
  return BASES[cls].includes(base);
}

export class PyException extends Error {
  constructor(
    readonly pyClass: PyErrorClass,
    /** Python's str() of the exception, e.g. "invalid syntax (<unknown>, line 1)". */
    readonly pyMessage: string,
  ) {
    super(`${pyClass}: ${pyMessage}`);
    this.name = "PyException";
  }
}

/** A SyntaxError (or subclass) as Python words it: the message and where, for a `<unknown>` source. */
export function pySyntaxError(message: string, line: number, cls: "SyntaxError" | "IndentationError" | "TabError" = "SyntaxError"): PyException {
  return new PyException(cls, `${message} (<unknown>, line ${line})`);
}
