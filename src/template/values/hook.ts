// The stringification hook. An object that implements `[templateValue]()` is replaced, wherever
// a template reads it, by what that method returns: a future `Secret` class returns its revealed
// string, and templates (output, filters, comparisons) then see a plain string. The engine never
// needs to know the class.

export const templateValue: unique symbol = Symbol.for("do-converge.templateValue");

export interface TemplateValueProvider {
  [templateValue](): unknown;
}

function isProvider(v: unknown): v is TemplateValueProvider {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as Partial<TemplateValueProvider>)[templateValue] === "function"
  );
}

/** The value a template should see for v (v itself unless it implements the hook). */
export function presentValue(v: unknown): unknown {
  let current = v;
  // A provider may return another provider (e.g. a lazily decrypted secret); bounded for safety.
  for (let i = 0; i < 8 && isProvider(current); i++) current = current[templateValue]();
  return current;
}
