import { randomInt } from "node:crypto";
import { z } from "zod";

/**
 * How a secret is made when `do-converge secrets generate` finds it missing. Alphabets are
 * chosen for where the value ends up: `alnum` is safe in SQL, PHP, shell and YAML without any
 * quoting; `printable` (WordPress salts) avoids the quote and backslash characters that would
 * need escaping in wp-config.php.
 */
export const SecretSpec = z.strictObject({
  length: z.number().int().min(8).max(256).default(32),
  alphabet: z.enum(["alnum", "printable", "hex"]).default("alnum"),
  /** False for secrets only their issuer can make (an API token): the operator sets them. */
  generate: z.boolean().default(true),
});
export type SecretSpec = z.output<typeof SecretSpec>;

const META_KEY = "doConvergeSecret";

/**
 * A role variable that holds a secret: a string the operator keeps in the (encrypted) secrets
 * file. `do-converge secrets generate` creates missing ones from the site's role schemas.
 * Lives in zod's global registry, so it is found whichever copy of do-converge loaded the site.
 */
export function secret(spec: z.input<typeof SecretSpec> = {}) {
  const s = SecretSpec.parse(spec);
  return z.string().min(Math.min(8, s.length), "a secret must have at least 8 characters").meta({ [META_KEY]: s });
}

/** A secret's generation spec, if the schema (or a wrapper's inner schema) was made by secret(). */
function specOf(schema: z.ZodType): SecretSpec | undefined {
  let s: z.ZodType | undefined = schema;
  while (s !== undefined) {
    const found = SecretSpec.safeParse(z.globalRegistry.get(s)?.[META_KEY]);
    if (found.success) return found.data;
    const def = s._zod.def as { innerType?: z.ZodType };
    s = def.innerType;
  }
  return undefined;
}

function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let s: z.ZodType | undefined = schema;
  while (s !== undefined) {
    if (s instanceof z.ZodObject) return s.shape as Record<string, z.ZodType>;
    s = (s._zod.def as { innerType?: z.ZodType }).innerType;
  }
  return undefined;
}

export interface SecretSlot {
  /** Variable path: ["wordpress_salts", "auth_key"]. */
  path: string[];
  spec: SecretSpec;
}

/** Every secret a vars schema declares, nested mappings included. */
export function secretSlots(schema: z.ZodType, prefix: string[] = []): SecretSlot[] {
  const spec = specOf(schema);
  if (spec) return [{ path: prefix, spec }];
  const shape = objectShape(schema);
  if (!shape) return [];
  return Object.entries(shape).flatMap(([key, child]) => secretSlots(child, [...prefix, key]));
}

const ALPHABETS: Record<SecretSpec["alphabet"], string> = {
  alnum: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
  hex: "0123456789abcdef",
  // Printable ASCII without space, quotes, backslash and `$`/`{`/`}` (PHP and Jinja would see them).
  printable: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#%&()*+,-./:;<=>?@[]^_|~",
};

/** A fresh value from the OS's CSPRNG, uniform over the alphabet (randomInt rejects bias). */
export function generateSecret(spec: Pick<SecretSpec, "length" | "alphabet">): string {
  const alphabet = ALPHABETS[spec.alphabet];
  let out = "";
  for (let i = 0; i < spec.length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}
