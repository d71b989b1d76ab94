// Ansible's `module: k=v k2="v 2"` argument strings (parse_kv): words split as a shell would,
// keeping Jinja2 `{{ }}` whole; `k=v` words are arguments, the rest is the free-form text that
// command and shell run.

export interface FreeForm {
  args: Record<string, string>;
  /** What is left once the k=v words are taken (command/shell's command line), or undefined. */
  rest: string | undefined;
}

/** Splits on spaces outside quotes and outside `{{ }}` / `{% %}`; quotes are kept as written. */
function splitWords(text: string): string[] {
  const words: string[] = [];
  let cur = "";
  let quote: string | undefined;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? "";
    const two = text.slice(i, i + 2);
    if (quote === undefined && (two === "{{" || two === "{%")) depth++;
    if (quote === undefined && (two === "}}" || two === "%}") && depth > 0) depth--;
    if (depth === 0 && (c === '"' || c === "'") && (quote === undefined || quote === c) && text[i - 1] !== "\\") quote = quote === undefined ? c : undefined;
    if (/\s/.test(c) && quote === undefined && depth === 0) {
      if (cur !== "") words.push(cur);
      cur = "";
      continue;
    }
    cur += c;
  }
  if (cur !== "") words.push(cur);
  return words;
}

function unquote(v: string): string {
  return v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0] ? v.slice(1, -1) : v;
}

/** `check_raw`: command and shell keep every word that is not one of their own k=v options in the command line. */
export function parseFreeForm(text: string, options?: ReadonlySet<string>): FreeForm {
  const args: Record<string, string> = {};
  const rest: string[] = [];
  for (const word of splitWords(text.trim())) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(word);
    if (m && (options === undefined || options.has(m[1] ?? ""))) args[m[1] ?? ""] = unquote(m[2] ?? "");
    else rest.push(word);
  }
  return { args, rest: rest.length > 0 ? rest.join(" ") : undefined };
}
