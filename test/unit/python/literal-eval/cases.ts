// Inputs of the differential test of ast.literal_eval, each run by CPython and by the port.
// Most come from the two places Ansible calls literal_eval: values of INI inventories (host line
// variables arrive unquoted by shlex, [group:vars] values raw, quotes and all) and the outputs of
// templates that ansible_eval_concat evaluates (lstrip: false). The rest walk through Python's
// tokenizer and grammar, and the limits CPython puts on hostile input.

export interface LiteralCase {
  readonly text: string;
  /** literal_eval(text) (true) or literal_eval(ast.parse(text, mode='eval')) (false). */
  readonly lstrip: boolean;
}

const ini: readonly string[] = [
  // host line variables, as shlex leaves them
  "10.0.0.1", "192.168.1.10", "127.0.0.1", "0.0.0.0", "22", "2222", "root", "deploy", "local", "ssh", "paramiko",
  "/usr/bin/python3", "/usr/bin/env python3", "yes", "no", "true", "false", "True", "False", "on", "off", "sudo",
  "~/.ssh/id_rsa", "-o StrictHostKeyChecking=no", "-o ProxyCommand='ssh -W %h:%p bastion'", "80", "808",
  "proxy.atlanta.example.com", "ntp.atlanta.example.com", "2", "30", "60", "bar", "0644", "0o644", "0755", "4G",
  "2048M", "0.75", "1.10", "3.11.2", "http://example.com/path?x=1&y=2", "/var/lib/mysql", "C:\\Windows",
  "00:11:22:33:44:55", "fe80::1", "::1", "10.0.0.0/8", "admin@example.com", "*/5 * * * *", "None", "null", "~",
  "2024-01-01", "12:30", "1.2.3-beta", "0xdeadbeef", "0b1010", "12345678901234567890", "-5", "1e-3", "1e999",
  "nan", "inf", "-inf", "web01", "web-01", "db_primary", "us-east-1", "eu_west", "ubuntu2204", "x86_64",
  "utf-8", "en_US.UTF-8", "Europe/Berlin", "0", "1", "-0", "+1", "007", "1_000", "1_000_000", "10_0.5",
  "3.14159", "6.02e23", "1E6", ".5", "5.", "1.", "-1.5e-10", "0x1F", "0XFF", "0o17", "0O17", "0b11", "0B11",
  "9999999999999999", "9007199254740993", "-9007199254740993", "18446744073709551616", "1e308", "1e309",
  "4.9e-324", "2e-324", "1_2_3", "1__2", "1_", "_1", "0_0", "00", "000", "0.0", "-0.0", "0e0", "1e+5", "1e-5",
  "1j", "2.5j", "-1j", "1+2j", "1-2j", "-1-2j", "1e999j", "--", "---", "-", "+", "++1", "+-1", "-+1", "- 1",
  "''", '""', "'quoted'", '"double quoted"', "'it''s'", "'a b'", "\"it's\"", "'don\\'t'", "'C:\\\\Windows'",
  "'C:\\Windows'", "'\\d+'", "'^[a-z]+$'", "'%Y-%m-%d'", "'{{ foo }}'", "\"{{ lookup('env', 'HOME') }}\"",
  "'unterminated", "unterminated'", "'mixed\"", "\"mixed'", "'''triple'''", '"""triple"""', "'''a\nb'''",
  "b'bytes'", "B'x'", "rb'\\d'", "br'\\d'", "u'unicode'", "U'x'", "r'raw\\n'", "R'x'", "ur'x'", "f'x'",
  "F'{1}'", "rf'{x}'", "'a' 'b'", "'a'  \"b\"", "'a' b'b'", "b'a' 'b'", "u'a' 'b'",
  // [group:vars] values, quotes kept
  "[1,2,3]", "['a','b']", "[ 'a', 'b' ]", "{'a': 1}", '{"key": "value"}', "'{\"a\": 1}'", "{'a': [1, {'b': (2,)}]}",
  "[1, 2.0, 'x']", "('a', 'b')", "(1,)", "()", "[]", "{}", "{1, 2, 3}", "set()", "['web01', 'web02']",
  "{'name': 'nginx', 'state': 'present', 'enabled': True}", "[{'name': 'a'}, {'name': 'b'}]",
  "{'ports': [80, 443], 'tls': {'enabled': True, 'cert': None}}", "['10.0.0.1', '10.0.0.2']",
  "{'a': 1, 'a': 2}", "{'__proto__': 1}", "{'__proto__': {'polluted': True}}", "{'constructor': 1, 'toString': 2}",
  "[1, 2", "{'a': 1", "[1, 2]]", "{'a': 1}}", "[1, 2)", "{'a' 1}", "{'a': }", "{: 1}", "[,]", "[1,,2]", "(,)",
]

const templateOutputs: readonly string[] = [
  "[1, 2, 3]", "['a', 'b']", "{'a': 1, 'b': [2, 3]}", "{'key': 'value'}", "True", "False", "[]", "{}",
  "[{'name': 'x', 'state': 'present'}]", "{'a': None}", "[u'a', u'b']", "{u'a': u'b'}", "[1, 2] ", " [1]",
  "\t[1]", "[1,\n 2]\n", "[1,\n 2]\n  ", "{'a': {'b': {'c': 1}}}", "{{ x }}", "{{ x }", "{% if x %}", "[1, 2, 3][0]",
  "{'a': 1}['a']", "[x for x in y]", "{'a': 1,}", "[1, 2, 3,]", "{'ip': '10.0.0.1/24'}", "[0644]", "[True, False, None]",
  "[1.0, 2.5, -3.5e-2]", "{'nested': [[[]]]}", "{1: 'a', 2: 'b'}", "{(1, 2): 'tuple key'}", "{'a': b'bytes'}",
  "[1+2j]", "[set()]", "{'a', 'b'}", "[{'a', 'b'}]", "{'k': {1, 2, 3}}", "[1, 'two', 3.0, None, True]",
  "{'a': 'b'}\n", "[\n  1,\n  2,\n]", "{\n    'a': 1,  # comment\n    'b': 2\n}", "[1] # trailing", "[1]\n# c",
  "['a' 'b', 'c']", "{'a': 1} {'b': 2}", "[1][", "{'a': 1}\n{'b': 2}", "Truely", "True False", "[1, 2]\\\n",
  "{'msg': 'it\\'s'}", "{'path': 'C:\\\\temp'}", "['\\n', '\\t']", "[\"double\", 'single']", "{'x': -1, 'y': +2}",
  "[-1.5, +2.5, -0.0]", "{'when': 'x is defined'}", "['{{ nested }}']", "[0x10, 0o10, 0b10]", "{'big': 2**64}",
  "{'big': 18446744073709551616}", "[1e100, 1e-100, 1e999, -1e999]", "{True: 'yes', False: 'no'}", "{None: 0}",
  "{1: 'int', 1.0: 'float', True: 'bool'}", "{1.5: 'a', 2.5: 'b'}", "{-1: 'neg'}", "{b'k': 1}", "{1j: 'c'}",
  "{...: 1}", "{(): 'empty tuple'}", "{(1, (2, 3)): 'nested'}", "{(1, [2]): 3}", "{[1]: 2}", "{{}: 1}",
  "{set(): 1}", "{frozenset(): 1}", "{1, [2]}", "{1, {}}", "{(1, 2), (1, 2)}", "{1, True, 1.0}", "{1.0, 1}",
  "{0, False, 0.0, -0.0}", "{-0.0, 0}", "{0.0: 1, -0.0: 2}", "{'a', 'a', 'b'}", "{b'a', 'a'}", "{1+0j, 1}",
  "{1: 'a', '1': 'b'}", "{None: 1, 'None': 2}", "{'b': 1, '1': 2}", "{'10': 'a', '9': 'b', 'x': 'c'}",
  "{'2': 'b', '1': 'a'}", "{(1,): 'a', '1': 'b'}", "{(): 1, '': 2}", "{('a', 1): 'x', 'a,1': 'y'}", "{1.0: 'a', '1.0': 'b'}",
]

const syntax: readonly string[] = [
  // whitespace, lines, comments
  "", " ", "\t", "\n", "\n\n", "#", "# only a comment", "1 #c", "#c\n1", "1\n", "1\n\n", "\n1", "\n 1", "1\n2",
  "1\n  2", "1\n  ", "1\n\t", "1\n  #c", "1\n\f", "\f1", " \f 1", "1\r\n", "1\r", "[1,\r\n2]", "'''a\rb'''",
  "'''a\r\nb'''", "'a\rb'", "\\\n1", " \\\n1", "1 \\\n", "1\\", "(1\\\n,2)", "\\\n \\\n1", "(\n1\n)", "-\n1",
  "(-\n1)", "[1,\n\n\n2]", "[1, # c\n 2]", "\v1", "1\v", "\u00a01", "1\u00a0", "\ufeff1", "\u200b1", "1\u2028",
  "1\x00", "'\x00'", "\x7f", "1\x01", "\ud800", "'\ud800'", "'\udc00x'",
  // numbers the tokenizer refuses or splits
  "0777", "09", "09.5", "08.", "0_7", "07_", "0x", "0x_1", "0x1_", "0xg", "0b2", "0b", "0b_1", "0o8", "0o", "0o_7",
  "1e", "1e+", "1e_1", "1e1_0", "0.5e+1_0", "1_000.000_1", "1.__class__", "1 .real", "1.real", "1j.real", "1L",
  "1abc", "1andy", "1if 1 else 2", "1if 1else 2", "1or 2", "1and 1", "1in x", "1is x", "1not in x", "0xfor",
  "0x1fand 1", "1_0j", "0j", "00j", "07j", "0e0j", "1..2", "1.0.0", "0x1.2", ". 5", "..", "...",
  "1" + "0".repeat(4299), "1" + "0".repeat(4300), "1" + "_0".repeat(4300), "0".repeat(5000), "1".repeat(4300) + ".0",
  "0x" + "f".repeat(5000), "1".repeat(400) + "+1j", "-" + "1".repeat(400) + "-1j", "1".repeat(5000) + "j",
  // unary and binary operators
  "--1", "-(1)", "-(-1)", "-True", "-None", "-'a'", "~1", "not 1", "+1j", "1+-1j", "1--1j", "-1+1j", "1.5-0j",
  "0-0j", "-0.0-0j", "-0.0+0j", "1e999-1e999j", "-1e999+1e999j", "True+1j", "1j-1j", "1j+1", "(1)+1j", "1+(1j)",
  "-(1)+1j", "1+1j+1j", "(1+1j)", "1+1", "1-1", "1*2", "2**3", "1/2", "7//2", "7%2", "1<<2", "1|2", "1&2", "1^2",
  "1@2", "1 < 2", "1 < 2 < 3", "1 <> 2", "1 == 1", "1 != 2", "1 is 1", "1 is not 2", "1 in []", "1 not in []",
  "1 and 2", "1 or 2", "not not 1", "'a' + 'b'", "'a' * 2", "[1] + [2]", "(1,) + (2,)", "-[1]", "+'a'",
  // names, calls, attributes, subscripts
  "x", "_", "__builtins__", "Ellipsis", "true", "none", "NaN", "set", "set()", "set( )", "set(*())", "set(**{})",
  "set([1])", "set(())", "frozenset()", "dict()", "list()", "tuple()", "print(1)", "print 1", "exec 'x'", "f(a=1, 2)",
  "f(**k, *a)", "f(**k, a=1)", "f(*a, b)", "f(a for a in b)", "f(a for a in b,)", "f(a for a in b, 1)", "f(x := 1)",
  "f(a=1, *b, c=2, **d)", "f(a.b=1)", "f(,)", "f(1,)", "a.b.c", "a.1", "'a'.b", "a[1:2]", "a[:]", "a[::]",
  "a[*b]", "a[1, 2:3]", "a[b:=1]", "a[]", "a()()", "a[0][1]", "\u00e9", "\u65e5\u672c", "\uff53\uff45\uff54()",
  "\ud835\udc13rue", "a\u2014b", "\u20ac", "\u088f", "a\u0cf3", "a\u200d", "'\u088f'", "$", "?", "!", "`1`", "@", "a b", "1 2", "1 2 'abc", "1 2 (", "1 2\n)",
  // lambdas, conditionals, comprehensions, walrus, await, yield
  "lambda: 0", "lambda x: x", "lambda x, y=1, z: 0", "lambda x=1, /, y: 0", "lambda *, a: 0", "lambda *: 0",
  "lambda *a,: 0", "lambda **k,: 0", "lambda a, /: 0", "lambda /: 0", "lambda a, a: 0", "lambda (a): 0",
  "x if y else z", "1 if 2", "a if b else lambda: c", "[x for x in y]", "[x for x in y if x]", "[x async for x in y]",
  "(await x for x in y)", "[i for i in 1, 2]", "[i for i, in x]", "[i for (i) in x]", "[i for i.a in x]",
  "[i for i() in x]", "[i for *i in x]", "[i for [i, *j] in x]", "[i for 1 in x]", "[i for True in x]",
  "{**a, 'b': 1}", "{'a': 1, **b}", "{*a, 1}", "{a: b for a, b in c}", "{a for a in b}", "(x for x in y)",
  "yield", "(yield)", "(yield 1, 2)", "yield from x", "(yield from x)", "await x", "a := 1", "(a := 1)",
  "(x := 1, 2)", "[x := 1]", "{x := 1}", "{x := 1: 2}", "[*a]", "*a", "*a,", "(*a)", "(*a,)", "1, 2", "1,",
  "1, 2,", "[1, *[2]]", "True = 1", "[1 for]", "import os", "__import__('os')", "del x", "pass", "if x: 1",
  // strings: prefixes, quotes, escapes
  "'\\''", "r'\\''", "r'\\'", "'\\\n'", "'a\\\nb'", "''''''", '""""""', "'''''", "'''a'''b'", "'\\x41'", "'\\x4'",
  "'\\xzz'", "b'\\x4'", "b'\\xzz'", "'\\u0041'", "'\\u12'", "'\\U00000041'", "'\\U00110000'", "'\\U0010ffff'",
  "'\\ud83d\\ude00'", "'\\101'", "'\\777'", "b'\\777'", "'\\400'", "b'\\400'", "'\\0'", "'\\8'", "'\\d'", "'\\é'",
  "'\\\\'", "'\\a\\b\\f\\n\\r\\t\\v'", "b'\\a\\b\\f\\n\\r\\t\\v'", "b'\\x41\\101\\u0041'", "b'\u00e9'", "br'\u00e9'",
  "'\u00e9'", "'\u65e5\u672c\u8a9e'", "'\ud83d\ude00'", "'\\u00e9'", "'\\U0001F600'", "'\\N{EM DASH}'",
  "'\\N{LATIN SMALL LETTER A}'", "'\\N{latin small letter a}'", "'\\N{DASH}'", "'\\N{EM DASH'", "'\\N'", "'\\N{}'",
  "'\\N{\u00e9}'", "b'\\N{DASH}'", "r'\\N{EM DASH}'", "'\\N{EM DASH}' x", "'\\N{EM DASH}' +", "\"'\"", "'\"'",
  "'a\\'b\"c'", "'\\t\\x00\\x7f\\x80\\xff'", "'\\u2028\\u00a0'", "'\\u00ad'", "b'\\x00\\'\\\"'",
  // f-strings
  "f'{x!r:>{w}}'", "f'{x=}'", "f'{}'", "f'{ }'", "f'}'", "f'{{}}'", "f'{a:{b:{c}}}'", "f'{*a}'", "f'{*a, b}'",
  "f'{yield}'", "f'{x for x in y}'", "f'{#}'", "f'{a[\"b\"]}'", "f'{a!x}'", "f'{a!}'", "f'{a'", "f'{a!r'",
  "rf'\\{x}'", "f'\\{x}'", "f'\\N{EM DASH}'", "Rf'x'", "fR'x'", "fb'x'", "bf'x'", "f'a' 'b'", "'a' f'b{1}'",
  "f'{a b}'", "f'{a)}'", "f'{(a]}'", "f'{\"a}'", "f'{x:{y}}'", "f'{x!r}'", "f'{x:}'", "f'{\\n}'", "f'\\x'",
  "f'{a!=b}'", "f'{a<b}'", "f'{a>=b}'", "f'{a==b}'", "f'{a:=1}'", "f'{(a:=1)}'", "f'''{\n1}'''", "f'{lambda: 1}'",
  "f'{3.14:.2f}'", "f'{{x}}'", "f'{{'", "f'}}'", "f'{x}}'",
]

/** Inputs a few kilobytes long or nested to CPython's limits, built rather than written. */
function generated(): string[] {
  const out: string[] = [];
  const nest = (open: string, inner: string, close: string, n: number): string => open.repeat(n) + inner + close.repeat(n);
  // The tokenizer allows 200 open brackets.
  for (const n of [1, 50, 199, 200, 201, 250]) out.push(nest("[", "", "]", n));
  for (const n of [199, 200, 201]) {
    out.push(nest("(", "1", ")", n), nest("{'a': ", "1", "}", n), nest("{", "1", "}", n), nest("(", "1,", "),", n).slice(0, -1));
  }
  out.push(nest("[{'a': (", "1,", ")}]", 66), nest("[{'a': (", "1,", ")}]", 67), nest("[-", "1", "]", 199), nest("[-", "1", "]", 200));
  // CPython's parser gives up 6000 rule calls deep (MemoryError): unary minus costs 1, each
  // bracket 28 to 31 depending on what it is and the item's place in it. Each shape is tried
  // just below and at the depth where CPython runs out.
  const shapes: [string, (m: number) => string, number][] = [
    ["top", (m) => `${"-".repeat(m)}1`, 5976],
    ["list", (m) => nest("[", `${"-".repeat(m)}1`, "]", 100), 3076],
    ["list, later item", (m) => nest("[0,", `${"-".repeat(m)}1`, "]", 100), 2976],
    ["tuple, first item", (m) => nest("(", `${"-".repeat(m)}1`, ",)", 100), 3176],
    ["tuple, second item", (m) => nest("(0,", `${"-".repeat(m)}1`, ")", 100), 2976],
    ["tuple, third item", (m) => nest("(0,0,", `${"-".repeat(m)}1`, ")", 100), 2876],
    ["parentheses", (m) => nest("(", `${"-".repeat(m)}1`, ")", 100), 3176],
    ["dict value", (m) => nest("{0:", `${"-".repeat(m)}1`, "}", 100), 3076],
    ["dict key", (m) => nest("{", `${"-".repeat(m)}1`, ":0}", 100), 3076],
    ["dict, later value", (m) => nest("{0:0,0:", `${"-".repeat(m)}1`, "}", 100), 2976],
    ["set", (m) => nest("{", `${"-".repeat(m)}1`, "}", 100), 3076],
    ["set, later item", (m) => nest("{0,", `${"-".repeat(m)}1`, "}", 100), 2976],
    ["top-level tuple", (m) => `0,${"-".repeat(m)}1`, 5974],
    ["binary operand", (m) => `1+${"-".repeat(m)}1`, 5976],
    // Expressions literal_eval refuses: ValueError below the limit, MemoryError at it.
    ["call, first argument", (m) => nest("f(", `${"-".repeat(m)}1`, ")", 100), 3576],
    ["call, later argument", (m) => nest("f(0,", `${"-".repeat(m)}1`, ")", 100), 3176],
    ["call, keyword", (m) => nest("f(a=", `${"-".repeat(m)}1`, ")", 100), 3276],
    ["call, *iterable", (m) => nest("f(*", `${"-".repeat(m)}1`, ")", 100), 3276],
    ["call, generator", (m) => nest("f(x for x in ", `${"-".repeat(m)}1`, ")", 100), 3476],
    ["subscript", (m) => nest("a[", `${"-".repeat(m)}1`, "]", 100), 3576],
    ["slice", (m) => nest("a[1:", `${"-".repeat(m)}1`, "]", 100), 3576],
    ["slice step", (m) => nest("a[::", `${"-".repeat(m)}1`, "]", 100), 3476],
    ["subscript tuple", (m) => nest("a[0, ", `${"-".repeat(m)}1`, "]", 100), 3276],
    ["list comprehension", (m) => nest("[x for x in ", `${"-".repeat(m)}1`, "]", 100), 3276],
    ["comprehension condition", (m) => nest("[x for x in y if ", `${"-".repeat(m)}1`, "]", 100), 3076],
    ["generator", (m) => nest("(x for x in ", `${"-".repeat(m)}1`, ")", 100), 3276],
    ["dict comprehension", (m) => nest("{x: y for x in ", `${"-".repeat(m)}1`, "}", 100), 3276],
    ["set comprehension", (m) => nest("{", `${"-".repeat(m)}1`, " for x in y}", 100), 3076],
    ["lambda body", (m) => `${"lambda: ".repeat(100)}${"-".repeat(m)}1`, 5776],
    ["lambda default", (m) => nest("lambda a=(", `${"-".repeat(m)}1`, "): 0", 100), 2376],
    ["conditional expression", (m) => `${"1 if 1 else ".repeat(100)}${"-".repeat(m)}1`, 5876],
    ["not", (m) => `${"not ".repeat(100)}${"-".repeat(m)}1`, 5876],
    ["starred item", (m) => nest("[*", `${"-".repeat(m)}1`, "]", 100), 3676],
    ["dict unpacking", (m) => nest("{**", `${"-".repeat(m)}1`, "}", 100), 3676],
    ["walrus", (m) => nest("(a := ", `${"-".repeat(m)}1`, ")", 100), 3076],
    ["yield", (m) => nest("(yield ", `${"-".repeat(m)}1`, ")", 100), 3076],
    ["attribute", (m) => nest("(", `${"-".repeat(m)}1`, ").a", 100), 3176],
    ["adjacent strings", (m) => nest("('a' 'b', ", `${"-".repeat(m)}1`, ")", 100), 2976],
    ["f-string field", (m) => `f'{${"-".repeat(m)}1}'`, 5947],
    ["f-string format spec", (m) => `f'{x:{${"-".repeat(m)}1}}'`, 5947],
  ];
  for (const [, make, threshold] of shapes) out.push(make(threshold - 1), make(threshold));
  // A tree deeper than 2985 nodes fails to convert (RecursionError), after parsing.
  for (const n of [2983, 2984, 5000]) out.push(`${"1+".repeat(n)}1`, `${"not ".repeat(n)}1`, `a${".b".repeat(n)}`, `${"1**".repeat(n)}1`);
  out.push(`${"lambda: ".repeat(2000)}1`, `${"1 if 1 else ".repeat(2000)}1`, `${"-".repeat(100000)}1`, `${"not ".repeat(100000)}1`);
  // Long but shallow.
  out.push(`[${"1, ".repeat(10000)}]`, `'${"x".repeat(100000)}'`, `{${Array.from({ length: 2000 }, (_, i) => `'k${i}': ${i}`).join(", ")}}`);
  out.push(`[${"'a' ".repeat(1000)}]`, `{${Array.from({ length: 500 }, (_, i) => i % 7).join(", ")}}`);
  // Targets nested in parentheses, which a naive parser tries twice at every level.
  out.push(`[x for ${nest("(", "a,", "),", 30).slice(0, -1)} in y]`, `[x for ${nest("(", "a", ")", 150)} in y]`);
  return out;
}

/** Template outputs are evaluated without literal_eval's lstrip, as ansible_eval_concat parses them itself. */
export function literalCases(): LiteralCase[] {
  const cases: LiteralCase[] = [];
  const seen = new Set<string>();
  const add = (text: string, lstrip: boolean): void => {
    const key = `${lstrip ? "s" : "p"}${text}`;
    if (seen.has(key)) return;
    seen.add(key);
    cases.push({ text, lstrip });
  };
  for (const text of [...ini, ...syntax, ...generated()]) add(text, true);
  for (const text of templateOutputs) {
    add(text, false);
    add(text, true);
  }
  return cases;
}
