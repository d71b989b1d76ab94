import { describe, expect, it } from "vitest";
import { expr, render } from "./helpers.js";

// to_json / to_nice_json / to_yaml / to_nice_yaml must match Ansible byte for byte: the expected
// strings are Python's json.dumps and PyYAML's yaml.dump (SafeDumper, allow_unicode) output for
// the same data, with Ansible's arguments.

const cfg = {"mysql": {"port": 3306, "bind": "0.0.0.0", "flags": ["a", "b"]}, "users": [{"name": "app", "password": "s3cr:t", "hosts": ["%", "localhost"]}], "enabled": true, "ratio": 0.5, "empty": [], "version": "1.10", "on": "on"};

describe("to_json / to_nice_json / from_json", () => {
  it("dumps like json.dumps: ', ' and ': ' separators, insertion order, ASCII escapes", () => {
    expect(expr("cfg | to_json", { cfg })).toBe("{\"mysql\": {\"port\": 3306, \"bind\": \"0.0.0.0\", \"flags\": [\"a\", \"b\"]}, \"users\": [{\"name\": \"app\", \"password\": \"s3cr:t\", \"hosts\": [\"%\", \"localhost\"]}], \"enabled\": true, \"ratio\": 0.5, \"empty\": [], \"version\": \"1.10\", \"on\": \"on\"}");
    expect(expr("{'name': 'Zoë'} | to_json")).toBe("{\"name\": \"Zo\\u00eb\"}");
    expect(expr("{'name': 'Zoë'} | to_json(ensure_ascii=false)")).toBe("{\"name\": \"Zo\u00eb\"}");
    expect(expr("[1, 2.5, 4 / 2, none, true] | to_json")).toBe("[1, 2.5, 2.0, null, true]");
  });

  it("dumps to_nice_json with indent 4, sorted keys and (',', ': ') separators", () => {
    expect(expr("cfg | to_nice_json", { cfg })).toBe("{\n    \"empty\": [],\n    \"enabled\": true,\n    \"mysql\": {\n        \"bind\": \"0.0.0.0\",\n        \"flags\": [\n            \"a\",\n            \"b\"\n        ],\n        \"port\": 3306\n    },\n    \"on\": \"on\",\n    \"ratio\": 0.5,\n    \"users\": [\n        {\n            \"hosts\": [\n                \"%\",\n                \"localhost\"\n            ],\n            \"name\": \"app\",\n            \"password\": \"s3cr:t\"\n        }\n    ],\n    \"version\": \"1.10\"\n}");
    expect(expr("{'b': [], 'a': {}} | to_nice_json(indent=2)")).toBe("{\n  \"a\": {},\n  \"b\": []\n}");
  });

  it("parses JSON keeping floats as floats", () => {
    expect(expr(`'{"a": 1.0, "b": [1, 2e3, "x", null, true]}' | from_json`)).toBe("{'a': 1.0, 'b': [1, 2000.0, 'x', None, True]}");
    expect(expr(`('{"port": 8080}' | from_json).port + 1`)).toBe("8081");
  });
});

describe("to_yaml / to_nice_yaml / from_yaml", () => {
  it("dumps terse flow-style YAML with to_yaml", () => {
    expect(expr("cfg | to_yaml", { cfg })).toBe("empty: []\nenabled: true\nmysql:\n  bind: 0.0.0.0\n  flags: [a, b]\n  port: 3306\n'on': 'on'\nratio: 0.5\nusers:\n- hosts: ['%', localhost]\n  name: app\n  password: s3cr:t\nversion: '1.10'\n");
    expect(expr("'plain' | to_yaml")).toBe("plain\n"); // libyaml's emitter, which Ansible uses, adds no '...'
  });

  it("dumps block YAML with to_nice_yaml (indent 4, PyYAML's sequence layout)", () => {
    expect(expr("cfg | to_nice_yaml", { cfg })).toBe("empty: []\nenabled: true\nmysql:\n    bind: 0.0.0.0\n    flags:\n    - a\n    - b\n    port: 3306\n'on': 'on'\nratio: 0.5\nusers:\n-   hosts:\n    - '%'\n    - localhost\n    name: app\n    password: s3cr:t\nversion: '1.10'\n");
    expect(expr("cfg | to_nice_yaml(indent=2)", { cfg })).toBe("empty: []\nenabled: true\nmysql:\n  bind: 0.0.0.0\n  flags:\n  - a\n  - b\n  port: 3306\n'on': 'on'\nratio: 0.5\nusers:\n- hosts:\n  - '%'\n  - localhost\n  name: app\n  password: s3cr:t\nversion: '1.10'\n");
  });

  it("quotes strings YAML 1.1 would read as something else", () => {
    expect(expr("['yes', 'on', '1.0', '010', '', '~', 'null', '2024-01-01', 'a: b', '- x', '#c', 'ok'] | to_nice_yaml")).toBe("- 'yes'\n- 'on'\n- '1.0'\n- '010'\n- ''\n- '~'\n- 'null'\n- '2024-01-01'\n- 'a: b'\n- '- x'\n- '#c'\n- ok\n");
  });

  it("folds long lines at 80 columns unless given a width, and quotes multi-line strings", () => {
    const long = "word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word";
    expect(expr("{'k': long} | to_nice_yaml", { long })).toBe("k: word word word word word word word word word word word word word word word word\n    word word word word word word word word word word word word word word\n");
    expect(expr("{'k': long} | to_nice_yaml(width=1000)", { long })).toBe("k: word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word\n");
    expect(expr("{'script': '#!/bin/sh\\necho hi\\n'} | to_nice_yaml")).toBe("script: '#!/bin/sh\n\n    echo hi\n\n    '\n");
  });

  it("indents a nested block with the indent filter, the usual Ansible idiom", () => {
    expect(render("config:\n  {{ cfg | to_nice_yaml(indent=2) | indent(2) }}", { cfg: { a: 1, b: [1, 2] } })).toBe("config:\n  a: 1\n  b:\n  - 1\n  - 2\n");
  });

  it("reads YAML with YAML 1.1 booleans", () => {
    expect(expr("'a: yes\\nb: [1, 2]\\nc: ~\\nd: text' | from_yaml")).toBe("{'a': True, 'b': [1, 2], 'c': None, 'd': 'text'}");
    expect(expr("'---\\na: 1\\n---\\nb: 2\\n' | from_yaml_all | list")).toBe("[{'a': 1}, {'b': 2}]");
  });
});
