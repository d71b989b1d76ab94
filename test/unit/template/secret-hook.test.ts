import { describe, expect, it } from "vitest";
import { templateValue, type TemplateValueProvider } from "../../../src/template/index.js";
import { expr, render } from "./helpers.js";

// The stringification hook a future Secret class will use: an object implementing
// [templateValue]() is seen by templates as the value it returns, everywhere a template reads it.

class FakeSecret implements TemplateValueProvider {
  constructor(private readonly value: string) {}
  [templateValue](): unknown {
    return this.value;
  }
  toString(): string {
    return "********";
  }
}

describe("the templateValue hook", () => {
  it("renders the provided value in output, filters, comparisons and containers", () => {
    const pw = new FakeSecret("s3cr3t");
    expect(render("password={{ pw }}", { pw })).toBe("password=s3cr3t");
    expect(expr("pw | upper", { pw })).toBe("S3CR3T");
    expect(expr("pw == 's3cr3t'", { pw })).toBe("True");
    expect(expr("pw | length", { pw })).toBe("6");
    expect(expr("db.password", { db: { password: pw } })).toBe("s3cr3t");
    expect(expr("db | to_json", { db: { password: pw } })).toBe('{"password": "s3cr3t"}');
    expect(expr("[pw]", { pw })).toBe("['s3cr3t']");
  });
});
