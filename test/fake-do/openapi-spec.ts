import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { parse as parseYaml } from "yaml";

// DigitalOcean's OpenAPI spec as data: finding it, parsing it lazily, following its $refs and
// compiling the schema at a JSON pointer. The small subset.yaml answers most operations; the
// 3 MB bundled spec is parsed only when an operation is missing there (e.g. GET /v2/account).

const SUBSET = "subset.yaml";
const BUNDLED = "DigitalOcean-public.v2.bundled.yaml";

/** Where the spec lives: $DO_OPENAPI_DIR, else ../shared/digitalocean-openapi/ beside the repository. */
export function openApiDir(): URL {
  const env = process.env["DO_OPENAPI_DIR"];
  if (env) return pathToFileURL(env.endsWith("/") ? env : `${env}/`);
  return new URL("../../../shared/digitalocean-openapi/", import.meta.url);
}

export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function child(value: unknown, key: string): unknown {
  return isObj(value) ? value[key] : undefined;
}

/** One JSON-pointer segment, escaped for the pointer and then for the URI fragment ajv reads it from. */
export function seg(name: string): string {
  return encodeURIComponent(name.replace(/~/g, "~0").replace(/\//g, "~1"));
}

/** One spec file: parsed on first use, handed to its own ajv, schemas compiled per pointer and cached. */
export class SpecFile {
  private docCache: Obj | undefined;
  private ajvCache: Ajv | undefined;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly file: string) {}

  get doc(): Obj {
    if (!this.docCache) {
      const url = new URL(this.file, openApiDir());
      let text: string;
      try {
        text = readFileSync(url, "utf8");
      } catch (err) {
        throw new Error(`cannot read the DigitalOcean OpenAPI spec at ${url.pathname} (set DO_OPENAPI_DIR?): ${(err as Error).message}`);
      }
      const parsed: unknown = parseYaml(text, { maxAliasCount: -1 });
      if (!isObj(parsed)) throw new Error(`${url.pathname}: not an OpenAPI document`);
      this.docCache = parsed;
    }
    return this.docCache;
  }

  private get ajv(): Ajv {
    if (!this.ajvCache) {
      // strict: false because OpenAPI schemas carry keywords JSON Schema lacks (example,
      // xml, x-*); discriminator: false because ajv rejects the spec's discriminator mappings;
      // unicodeRegExp: false because the spec's patterns use escapes (\:) that the u flag rejects.
      const ajv = new Ajv({ strict: false, discriminator: false, unicodeRegExp: false, allErrors: true, validateSchema: false });
      addFormatsModule.default(ajv);
      // OpenAPI's numeric formats say nothing JSON Schema can check.
      for (const f of ["int32", "int64", "float", "double", "byte", "binary", "password"]) ajv.addFormat(f, true);
      ajv.addSchema(this.doc, this.file);
      this.ajvCache = ajv;
    }
    return this.ajvCache;
  }

  operation(method: string, template: string): Obj | undefined {
    const op = child(child(this.doc["paths"], template), method.toLowerCase());
    return isObj(op) ? op : undefined;
  }

  templates(): string[] {
    const paths = this.doc["paths"];
    return isObj(paths) ? Object.keys(paths) : [];
  }

  /** Follows local $refs from `value` found at `pointer`; returns the target and its pointer. */
  deref(value: unknown, pointer: string): { value: unknown; pointer: string } {
    let current = value;
    let at = pointer;
    for (let hops = 0; hops < 20; hops++) {
      const ref = child(current, "$ref");
      if (typeof ref !== "string") return { value: current, pointer: at };
      if (!ref.startsWith("#/")) throw new Error(`${this.file}: only local $refs are supported, got ${ref}`);
      const parts = ref.slice(2).split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
      current = parts.reduce<unknown>((node, p) => child(node, p), this.doc);
      at = `/${parts.map(seg).join("/")}`;
      if (current === undefined) throw new Error(`${this.file}: unresolved $ref ${ref}`);
    }
    throw new Error(`${this.file}: $ref chain too long at ${pointer}`);
  }

  validator(pointer: string): ValidateFunction {
    let v = this.validators.get(pointer);
    if (!v) {
      v = this.ajv.getSchema(`${this.file}#${pointer}`);
      if (!v) throw new Error(`${this.file}: no schema at ${decodeURIComponent(pointer)}`);
      this.validators.set(pointer, v);
    }
    return v;
  }
}

const subset = new SpecFile(SUBSET);
const bundled = new SpecFile(BUNDLED);

export function specFor(method: string, template: string): { spec: SpecFile; op: Obj } {
  for (const spec of [subset, bundled]) {
    const op = spec.operation(method, template);
    if (op) return { spec, op };
  }
  throw new Error(`DigitalOcean's OpenAPI spec has no operation ${method.toUpperCase()} ${template}`);
}

/** True when the spec (subset or bundled) defines the operation. */
export function hasOperation(method: string, template: string): boolean {
  return [subset, bundled].some((spec) => spec.operation(method, template) !== undefined);
}

function templatePattern(template: string): RegExp {
  const literal = template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${literal.join("[^/]+")}$`);
}

const paramCount = (template: string): number => template.split("{").length - 1;

/** The spec path template a concrete path matches, e.g. /v2/droplets/42 → /v2/droplets/{droplet_id}. */
export function pathTemplateFor(method: string, path: string): string | undefined {
  for (const spec of [subset, bundled]) {
    // Fewer parameters first, so a literal segment (/v2/droplets/actions) beats a parameter.
    const candidates = spec
      .templates()
      .filter((t) => spec.operation(method, t) !== undefined)
      .sort((a, b) => paramCount(a) - paramCount(b));
    const hit = candidates.find((t) => templatePattern(t).test(path));
    if (hit) return hit;
  }
  return undefined;
}
