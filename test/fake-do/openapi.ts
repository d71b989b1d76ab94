import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { child, isObj, seg, specFor, type Obj } from "./openapi-spec.js";

// Validates HTTP traffic against DigitalOcean's published OpenAPI spec (../shared/digitalocean-
// openapi beside the repository): the fake's responses, so the fake cannot drift from the real
// API, and a client's requests, so the client cannot either.

export { hasOperation, openApiDir, pathTemplateFor } from "./openapi-spec.js";

export class OpenApiValidationError extends Error {
  override name = "OpenApiValidationError";
  constructor(
    readonly what: string,
    readonly problems: readonly string[],
  ) {
    super(`${what} does not match DigitalOcean's OpenAPI spec:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** Header values as a fetch Response or a plain record holds them. */
export type HeaderSource = Headers | Readonly<Record<string, string | undefined>>;

function describeError(e: ErrorObject): string {
  const where = e.instancePath === "" ? "(body)" : e.instancePath;
  const params = e.params as Obj;
  if (e.keyword === "enum") return `${where} ${e.message ?? ""}: ${JSON.stringify(params["allowedValues"])}`;
  if (e.keyword === "const") return `${where} must be ${JSON.stringify(params["allowedValue"])}`;
  if (e.keyword === "additionalProperties") return `${where} has unexpected property ${String(params["additionalProperty"])}`;
  return `${where} ${e.message ?? e.keyword}`;
}

function describeErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  const lines = [...new Set((errors ?? []).map(describeError))];
  return lines.length > 15 ? [...lines.slice(0, 15), `… and ${lines.length - 15} more`] : lines;
}

function coerceHeader(raw: string, schema: unknown): unknown {
  const type = child(schema, "type");
  if (type === "integer" || type === "number") return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  if (type === "boolean") return raw === "true" ? true : raw === "false" ? false : raw;
  return raw;
}

function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}

export interface ResponseCheckOptions {
  /** Also require the response headers the spec declares (rate-limit headers), typed as declared. */
  headers?: HeaderSource;
}

/** Everything wrong with a response, as readable lines; empty when it matches the spec. */
export function responseProblems(
  method: string,
  template: string,
  status: number,
  body: unknown,
  options: ResponseCheckOptions = {},
): string[] {
  const { spec, op } = specFor(method, template);
  const responses = child(op, "responses");
  const opPointer = `/paths/${seg(template)}/${method.toLowerCase()}`;
  // An undeclared status falls to `default`, as OpenAPI says (e.g. 422 on reserved-IP actions).
  const key = [String(status), `${String(status).charAt(0)}XX`, "default"].find((k) => child(responses, k) !== undefined);
  if (key === undefined) return [`status ${status} is not declared and the operation has no default response`];
  const response = spec.deref(child(responses, key), `${opPointer}/responses/${seg(key)}`);
  const problems: string[] = [];

  const content = child(child(response.value, "content"), "application/json");
  if (content === undefined) {
    if (body !== undefined && body !== "") problems.push(`status ${status} declares no JSON body, but one was sent`);
  } else if (child(content, "schema") !== undefined) {
    const validate = spec.validator(`${response.pointer}/content/${seg("application/json")}/schema`);
    if (!validate(body)) problems.push(...describeErrors(validate.errors));
  }

  const declared = child(response.value, "headers");
  if (options.headers && isObj(declared)) {
    for (const name of Object.keys(declared)) {
      if (name.toLowerCase() === "content-type") continue;
      const header = spec.deref(declared[name], `${response.pointer}/headers/${seg(name)}`);
      const raw = headerValue(options.headers, name);
      if (raw === undefined) {
        problems.push(`header ${name} is missing`);
        continue;
      }
      const validate = spec.validator(`${header.pointer}/schema`);
      if (!validate(coerceHeader(raw, child(header.value, "schema")))) {
        problems.push(...describeErrors(validate.errors).map((p) => `header ${name}: ${raw}: ${p.replace("(body) ", "")}`));
      }
    }
  }
  return problems;
}

/** Throws OpenApiValidationError listing every mismatch between the response and the spec. */
export function validateResponse(
  method: string,
  template: string,
  status: number,
  body: unknown,
  options: ResponseCheckOptions = {},
): void {
  const problems = responseProblems(method, template, status, body, options);
  if (problems.length > 0) throw new OpenApiValidationError(`${method.toUpperCase()} ${template} → ${status}`, problems);
}

// Where the spec is looser than DigitalOcean's API really is (its README names these), requests
// are also checked against a stricter schema of ours.
const TIGHTENINGS: Readonly<Record<string, object>> = {
  // The spec's anyOf lets {type: "assign", droplet_id: "123"} match the unassign branch.
  "POST /v2/reserved_ips/{reserved_ip}/actions": {
    oneOf: [
      {
        type: "object",
        required: ["type", "droplet_id"],
        properties: { type: { const: "assign" }, droplet_id: { type: "integer", minimum: 1 } },
      },
      { type: "object", required: ["type"], properties: { type: { const: "unassign" } } },
    ],
  },
};

let tighteningAjv: Ajv | undefined;
const tighteningValidators = new Map<string, ValidateFunction>();

function tighteningValidator(key: string): ValidateFunction | undefined {
  const schema = TIGHTENINGS[key];
  if (!schema) return undefined;
  let v = tighteningValidators.get(key);
  if (!v) {
    tighteningAjv ??= new Ajv({ strict: false, allErrors: true });
    v = tighteningAjv.compile(schema);
    tighteningValidators.set(key, v);
  }
  return v;
}

/** Everything wrong with a request body, as readable lines; empty when it matches. */
export function requestProblems(method: string, template: string, body: unknown): string[] {
  const { spec, op } = specFor(method, template);
  const opPointer = `/paths/${seg(template)}/${method.toLowerCase()}`;
  const problems: string[] = [];
  const requestBody = child(op, "requestBody");
  if (requestBody === undefined) {
    if (body !== undefined) problems.push("the operation takes no request body, but one was sent");
  } else {
    const resolved = spec.deref(requestBody, `${opPointer}/requestBody`);
    if (body === undefined) {
      if (child(resolved.value, "required") === true) problems.push("the request body is required");
    } else if (child(child(child(resolved.value, "content"), "application/json"), "schema") !== undefined) {
      const validate = spec.validator(`${resolved.pointer}/content/${seg("application/json")}/schema`);
      if (!validate(body)) problems.push(...describeErrors(validate.errors));
    }
  }
  const stricter = tighteningValidator(`${method.toUpperCase()} ${template}`);
  if (stricter && body !== undefined) {
    if (!stricter(body)) problems.push(...describeErrors(stricter.errors).map((p) => `${p} (stricter than the spec)`));
  }
  return problems;
}

/** Throws OpenApiValidationError listing every mismatch between the request body and the spec. */
export function validateRequest(method: string, template: string, body: unknown): void {
  const problems = requestProblems(method, template, body);
  if (problems.length > 0) throw new OpenApiValidationError(`request ${method.toUpperCase()} ${template}`, problems);
}
