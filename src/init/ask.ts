import { InitError } from "./errors.js";

/** How init talks to the operator: a terminal, or nobody (flags only, --yes, a script). */
export interface InitIo {
  /** False with --yes or without a terminal: nothing is asked, defaults are taken. */
  readonly interactive: boolean;
  /** Asks for a visible answer; `flag` names what a script would give instead. */
  line(question: string, flag: string): Promise<string>;
  /** Asks without echo (tokens, passwords). */
  secret(question: string, flag: string): Promise<string>;
  /** Tells the operator something on the way (stderr): never a secret. */
  say(text: string): void;
}

/** Interactive answers that do not parse are asked again, this many times in all. */
const TRIES = 3;

export interface Question<T> {
  /** "Regions the inventory keeps": the prompt, and the subject of "... is needed". */
  readonly question: string;
  readonly flag: string;
  /** The flag's value, when the operator gave it: never asked then. */
  readonly given: string | undefined;
  /** Shown as [default] and taken on Enter, or without a terminal; absent: an answer is required. */
  readonly fallback?: string;
  /** Turns an answer into a value, throwing an InitError that says what is wrong with it. */
  readonly parse: (raw: string) => T;
}

/**
 * One answer: the flag's value if given; else asked on the terminal (Enter takes the default,
 * a wrong answer is explained and asked again); else the default; else an error naming the flag.
 */
export async function ask<T>(io: InitIo, q: Question<T>): Promise<T> {
  if (q.given !== undefined) return parseFlag(q, q.given);
  if (!io.interactive) {
    if (q.fallback !== undefined) return parseFlag(q, q.fallback);
    throw new InitError(`${q.question}: no answer without a terminal; give ${q.flag}`, q.flag);
  }
  const shown = q.fallback === undefined ? "" : ` [${q.fallback}]`;
  let last: InitError | undefined;
  for (let i = 0; i < TRIES; i++) {
    const raw = (await io.line(`${q.question}${shown}: `, q.flag)).trim();
    const value = raw === "" ? q.fallback : raw;
    if (value === undefined) {
      io.say("  an answer is needed");
      continue;
    }
    try {
      return q.parse(value);
    } catch (err) {
      if (!(err instanceof InitError)) throw err;
      last = err;
      io.say(`  ${err.message}`);
    }
  }
  throw new InitError(`${q.question}: no usable answer after ${TRIES} tries${last === undefined ? "" : ` (${last.message})`}`, q.flag);
}

function parseFlag<T>(q: Question<T>, raw: string): T {
  try {
    return q.parse(raw);
  } catch (err) {
    if (err instanceof InitError) throw new InitError(`${q.flag}: ${err.message}`, q.flag, { cause: err });
    throw err;
  }
}

/** "a, b c" → ["a", "b", "c"]: lists are typed with commas or spaces. */
export function splitList(raw: string): string[] {
  return raw.split(/[\s,]+/).filter((s) => s !== "");
}
