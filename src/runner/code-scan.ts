import { dirname, join, relative } from "node:path";
import ts from "typescript";
import { readSource, sourcesUnder } from "../site/source-cache.js";

// What a site's TypeScript gives templates beyond the host's variables, read from its syntax
// (nothing is run): the keys of `h.template({ ..., vars: { ... } })` and of `h.setFact({ ... })`,
// and the template names rendered by a literal `src`. When a call's object is not written out
// literally — a variable, a spread, a computed key — any name may be provided, and the caller
// must not judge names at all.

/** What the scan found, as plain data (it is cached as JSON, see code-provided-vars.ts). */
export interface CodeScan {
  /** Keys of every literal template vars and setFact object. */
  names: string[];
  /** Literal `src` of template calls: templates rendered directly, even if others include them. */
  sources: string[];
  /** Every template call with a literal `src`, and where it is (file relative to the base, line). */
  templateCalls: Array<{ src: string; file: string; line: number }>;
  /** The `vars/` directories beside files that call includeVars(): their files' keys are names the code gives. */
  varsDirs: string[];
  /** Where the code provides names we cannot list (file:line and why); undefined when we can. */
  opaque: string | undefined;
}

/** `(x)`, `x as T`, `x satisfies T`, `<T>x`: the expression itself. */
function unwrap(e: ts.Expression): ts.Expression {
  let cur = e;
  while (ts.isParenthesizedExpression(cur) || ts.isAsExpression(cur) || ts.isSatisfiesExpression(cur) || ts.isTypeAssertionExpression(cur)) cur = cur.expression;
  return cur;
}

function propertyName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name)) {
    const e = unwrap(name.expression);
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
  }
  return undefined;
}

/** The keys of an object literal, or undefined when some key is not written out (spread, computed). */
function literalKeys(e: ts.Expression): string[] | undefined {
  const obj = unwrap(e);
  if (!ts.isObjectLiteralExpression(obj)) return undefined;
  const keys: string[] = [];
  for (const p of obj.properties) {
    if (ts.isSpreadAssignment(p)) return undefined;
    const key = p.name === undefined ? undefined : propertyName(p.name);
    if (key === undefined) return undefined;
    keys.push(key);
  }
  return keys;
}

function property(obj: ts.ObjectLiteralExpression, key: string): ts.ObjectLiteralElementLike | undefined {
  return obj.properties.find((p) => p.name !== undefined && propertyName(p.name) === key);
}

/**
 * An imported role's `h.jinja.args("template", { ... })`: the object written out inside (its
 * values that are jinja(...) are evaluated at run time, but its keys are all there).
 */
function jinjaArgsObject(e: ts.Expression): ts.Expression {
  if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression) || e.expression.name.text !== "args") return e;
  const target = e.expression.expression;
  if (!ts.isPropertyAccessExpression(target) || target.name.text !== "jinja") return e;
  const [, obj] = e.arguments;
  return obj === undefined ? e : unwrap(obj);
}

/** The locals (third argument) of `h.jinja.args("template", {...}, locals)`: the template's variables too. */
function jinjaArgsLocals(e: ts.Expression): ts.Expression | undefined {
  if (jinjaArgsObject(e) === e || !ts.isCallExpression(e)) return undefined;
  const third = e.arguments[2];
  return third === undefined ? undefined : unwrap(third);
}

/** Reads the TypeScript under `dirs`; messages name files relative to `base`. */
export function scanCode(dirs: readonly string[], base: string): CodeScan {
  const files = sourcesUnder(dirs);
  const names = new Set<string>();
  const sources = new Set<string>();
  const templateCalls: CodeScan["templateCalls"] = [];
  const varsDirs = new Set<string>();
  let opaque: string | undefined;
  // The first reason names cannot be listed is kept; the scan goes on for the literal sources,
  // which are checked whatever the rest of the code does.
  const cannotList = (why: string) => {
    opaque ??= why;
  };

  for (const file of files) {
    const sf = ts.createSourceFile(file, readSource(file).toString("utf8"), ts.ScriptTarget.Latest, true);
    const where = (n: ts.Node) => `${relative(base, file)}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
        const method = n.expression.name.text;
        const [arg] = n.arguments;
        if (method === "includeVars") {
          // A role's own vars/ (where an imported role's include_vars files are), and the site's.
          varsDirs.add(join(dirname(file), "vars"));
          varsDirs.add(join(base, "vars"));
          const meta = n.arguments[1] === undefined ? undefined : unwrap(n.arguments[1]);
          const name = meta !== undefined && ts.isObjectLiteralExpression(meta) ? property(meta, "name") : undefined;
          if (meta !== undefined && (!ts.isObjectLiteralExpression(meta) || meta.properties.some(ts.isSpreadAssignment))) cannotList(`${where(n)}: includeVars() options are not written out`);
          else if (name !== undefined) {
            const value = ts.isPropertyAssignment(name) ? unwrap(name.initializer) : undefined;
            if (value !== undefined && (ts.isStringLiteral(value) || ts.isNoSubstitutionTemplateLiteral(value))) names.add(value.text);
            else cannotList(`${where(n)}: includeVars() name is not a string written out`);
          }
        } else if (method === "setFact") {
          const keys = arg === undefined ? [] : literalKeys(arg);
          if (keys === undefined) cannotList(`${where(n)}: setFact() is given an object that is not written out`);
          else for (const k of keys) names.add(k);
        } else if (method === "template") {
          const locals = arg === undefined ? undefined : jinjaArgsLocals(unwrap(arg));
          if (locals !== undefined) {
            const keys = literalKeys(locals);
            if (keys === undefined) cannotList(`${where(n)}: template() locals are not written out`);
            else for (const k of keys) names.add(k);
          }
          const obj = arg === undefined ? undefined : jinjaArgsObject(unwrap(arg));
          if (obj === undefined || !ts.isObjectLiteralExpression(obj) || obj.properties.some(ts.isSpreadAssignment)) {
            cannotList(`${where(n)}: template() arguments are not written out`);
            return;
          }
          const src = property(obj, "src");
          if (src !== undefined && ts.isPropertyAssignment(src)) {
            const value = unwrap(src.initializer);
            if (ts.isStringLiteral(value) || ts.isNoSubstitutionTemplateLiteral(value)) {
              sources.add(value.text);
              templateCalls.push({ src: value.text, file: relative(base, file), line: sf.getLineAndCharacterOfPosition(value.getStart(sf)).line + 1 });
            }
          }
          const vars = property(obj, "vars");
          if (vars !== undefined) {
            const keys = ts.isPropertyAssignment(vars) ? literalKeys(vars.initializer) : undefined;
            if (keys === undefined) cannotList(`${where(n)}: template() vars is not an object written out`);
            else for (const k of keys) names.add(k);
          }
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return { names: [...names].sort(), sources: [...sources].sort(), templateCalls, varsDirs: [...varsDirs].sort(), opaque };
}
