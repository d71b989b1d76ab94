import { UndefinedError, type SourceLocation } from "../errors.js";

// Jinja2's StrictUndefined as Ansible uses it: a placeholder for a missing variable, attribute or
// key that may be tested (`is defined`), defaulted (`| default`) or chained (`x.y` of an undefined
// x stays the same undefined, as AnsibleUndefined does), but raises as soon as its value is
// needed — printing, iterating, comparing, calling, or passing it to an ordinary filter.

export class Undefined {
  /**
   * @param name  what was undefined, as written in the template: `x`, `hostvars[h].ansible_host`
   * @param hint  why, for attributes/keys: "'dict object' has no attribute 'ansible_host'"
   * @param site  where the undefined value was produced
   */
  constructor(
    readonly name: string,
    readonly hint: string | undefined,
    readonly site: SourceLocation,
  ) {}

  /** The same undefined as produced at `site` (a lazily evaluated variable's is sited where it is read). */
  withSite(site: SourceLocation): Undefined {
    return new Undefined(this.name, this.hint, site);
  }

  toError(): UndefinedError {
    const detail =
      this.hint === undefined ? `undefined variable '${this.name}'` : `${this.hint} (in '${this.name}')`;
    return new UndefinedError(detail, this.site, { variable: this.name });
  }
}

export function isUndefined(v: unknown): v is Undefined {
  return v instanceof Undefined;
}

/** Throws the undefined's own error when v is undefined: the error points at where it came from. */
export function requireDefined<T>(v: T | Undefined): T {
  if (v instanceof Undefined) throw v.toError();
  return v;
}
