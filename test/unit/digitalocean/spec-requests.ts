import { expect } from "vitest";
import { requestProblems } from "../../fake-do/openapi.js";
import { child, seg, specFor } from "../../fake-do/openapi-spec.js";
import type { RecordedRequest } from "../../fake-do/recorded-request.js";

// The client's requests checked against DigitalOcean's OpenAPI spec: the operation exists, the
// body is as declared (none, for GETs), and every query parameter is declared by the operation
// with a value its schema accepts (per_page ≤ 200, page ≥ 1, ...).

/** Everything wrong with one recorded request's query, as lines. */
export function queryProblems(method: string, template: string, query: Readonly<Record<string, string>>): string[] {
  const { spec, op } = specFor(method, template);
  const raw = child(op, "parameters");
  const params = (Array.isArray(raw) ? raw : []).map((p: unknown, i) =>
    spec.deref(p, `/paths/${seg(template)}/${method.toLowerCase()}/parameters/${i}`),
  );
  const problems: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    const param = params.find((p) => child(p.value, "in") === "query" && child(p.value, "name") === name);
    if (param === undefined) {
      problems.push(`query parameter ${name} is not declared by ${method} ${template}`);
      continue;
    }
    const type = child(child(param.value, "schema"), "type");
    const typed: unknown = type === "integer" || type === "number" ? (/^-?\d+$/.test(value) ? Number(value) : value) : value;
    const validate = spec.validator(`${param.pointer}/schema`);
    if (!validate(typed)) problems.push(`query parameter ${name}=${value}: ${validate.errors?.map((e) => e.message).join(", ")}`);
  }
  return problems;
}

/** Asserts that every API request the fake answered is one the spec allows. */
export function expectRequestsMatchSpec(requests: readonly RecordedRequest[]): void {
  const api = requests.filter((r) => r.service === "api");
  expect(api.length).toBeGreaterThan(0);
  for (const r of api) {
    expect(r.template, `${r.method} ${r.path} matches no operation`).toBeDefined();
    const template = r.template ?? "";
    expect([...requestProblems(r.method, template, r.body), ...queryProblems(r.method, template, r.query)], `${r.method} ${r.path}`).toEqual([]);
  }
}
