import { describe, expect, it } from "vitest";
import { expr, render } from "./helpers.js";

// Sequence filters: Jinja2's (checked against Jinja2 3.1) and Ansible's set theory, flatten,
// zip and product (checked against ansible/plugins/filter/*.py under CPython).

const users = [
  { name: "a", admin: true, uid: 3 },
  { name: "b", admin: false, uid: 1 },
];

describe("Jinja2 list filters", () => {
  it("sorts case-insensitively by default, by attribute, in reverse", () => {
    expect(render("{{ [3, 1, 2] | sort }} {{ ['b', 'A', 'a'] | sort }} {{ ['b', 'A', 'a'] | sort(case_sensitive=true) }} {{ [{'n': 2}, {'n': 1}] | sort(attribute='n') }} {{ [1,2,3] | sort(reverse=true) }}")).toBe(
      "[1, 2, 3] ['A', 'a', 'b'] ['A', 'a', 'b'] [{'n': 1}, {'n': 2}] [3, 2, 1]",
    );
    expect(expr("users | sort(attribute='uid') | map(attribute='name') | join(',')", { users })).toBe("b,a");
  });

  it("aggregates: unique, first, last, min, max, sum, join, length", () => {
    expect(render("{{ [1, 2, 2, 'a', 'A'] | unique }} {{ [1,2,3] | first }} {{ [1,2,3] | last }} {{ [3,1,2] | min }} {{ [3,1,2] | max }} {{ [1,2,3] | sum }} {{ [1.5, 2] | sum }} {{ [1,2] | join(',') }} {{ 'abc' | length }}")).toBe(
      "[1, 2, 'a'] 1 3 1 3 6 3.5 1,2 3",
    );
    expect(expr("users | max(attribute='uid')", { users })).toBe("{'name': 'a', 'admin': True, 'uid': 3}");
    expect(expr("users | sum(attribute='uid')", { users })).toBe("4");
    expect(expr("users | join(', ', attribute='name')", { users })).toBe("a, b");
    expect(expr("{'a': 1, 'b': 2} | length")).toBe("2");
  });

  it("converts, reverses, batches and slices", () => {
    expect(render("{{ 'abc' | list }} {{ 'abc' | reverse }} {{ [1,2] | reverse | list }} {{ [1,2,3,4,5] | batch(2) | list }} {{ [1,2,3,4,5] | slice(2) | list }}")).toBe(
      "['a', 'b', 'c'] cba [2, 1] [[1, 2], [3, 4], [5]] [[1, 2, 3], [4, 5]]",
    );
    expect(expr("[1,2,3] | batch(2, 'x') | list")).toBe("[[1, 2], [3, 'x']]");
  });

  it("maps, selects and rejects with filters and tests", () => {
    expect(render("{{ users | map(attribute='name') | join(',') }} {{ users | selectattr('admin') | map(attribute='name') | list }} {{ users | rejectattr('admin') | map(attribute='name') | list }} {{ users | selectattr('name', 'equalto', 'b') | map(attribute='uid') | list }} {{ [1, 2, 3, 4] | select('odd') | list }} {{ [1, 2, 3, 4] | reject('odd') | list }} {{ ['a', 'b'] | map('upper') | list }}", { users })).toBe(
      "a,b ['a'] ['b'] [1] [1, 3] [2, 4] ['A', 'B']",
    );
    expect(expr("[1, 2, 3] | map('string') | join('-')")).toBe("1-2-3");
    expect(expr("['1', '2'] | map('int') | sum")).toBe("3");
    expect(expr("[{'a': 1}, {}] | map(attribute='a', default=0) | list")).toBe("[1, 0]");
    expect(expr("['web1', 'db1', 'web2'] | select('match', 'web') | list")).toBe("['web1', 'web2']");
    expect(expr("[{'x': 1}, {}] | selectattr('x', 'defined') | list")).toBe("[{'x': 1}]");
    expect(expr("[0, 1, '', 'a', [], none] | select | list")).toBe("[1, 'a']");
    expect(expr("[1, 5, 10] | select('>', 3) | list")).toBe("[5, 10]");
  });

  it("prints map/select results as lists, as Ansible's finalize does", () => {
    expect(expr("[1, 2] | map('string')")).toBe("['1', '2']");
  });

  it("groups by attribute into (grouper, list) tuples", () => {
    const rows = [
      { g: "x", n: 1 },
      { g: "y", n: 2 },
      { g: "x", n: 3 },
    ];
    expect(expr("rows | groupby('g')", { rows })).toBe("[('x', [{'g': 'x', 'n': 1}, {'g': 'x', 'n': 3}]), ('y', [{'g': 'y', 'n': 2}])]");
    expect(render("{% for g, items in rows | groupby('g') %}{{ g }}:{{ items | map(attribute='n') | join(',') }};{% endfor %}{% for grp in rows | groupby('g') %}{{ grp.grouper }}{{ grp.list | length }}{% endfor %}", { rows })).toBe(
      "x:1,3;y:2;x2y1",
    );
  });
});

describe("Ansible list filters", () => {
  it("flattens to a depth and drops nulls", () => {
    expect(render("{{ [1, [2, [3, [4]]]] | flatten }} {{ [1, [2, [3, [4]]]] | flatten(levels=1) }} {{ [1, none, [2, 'None']] | flatten }}")).toBe(
      "[1, 2, 3, 4] [1, 2, [3, [4]]] [1, 2]",
    );
  });

  it("computes unions, intersections and differences keeping order", () => {
    expect(render("{{ [1,2,3] | union([3,4]) }} {{ [1,2,3] | intersect([2,3,4]) }} {{ [1,2,3] | difference([2]) }} {{ [1,2,3] | symmetric_difference([3,4]) }} {{ ['a', 'A'] | union(['a']) }}")).toBe(
      "[1, 2, 3, 4] [2, 3] [1, 3] [1, 2, 4] ['a', 'A']",
    );
  });

  it("zips and builds products as tuples", () => {
    expect(render("{{ [1,2] | product(['a','b']) | list }} {{ [1,2,3] | zip(['a','b']) | list }} {{ [1,2] | zip_longest(['a'], fillvalue='-') | list }}")).toBe(
      "[(1, 'a'), (1, 'b'), (2, 'a'), (2, 'b')] [(1, 'a'), (2, 'b')] [(1, 'a'), (2, '-')]",
    );
    expect(render("{% for a, b in [1, 2] | zip(['x', 'y']) %}{{ a }}{{ b }} {% endfor %}")).toBe("1x 2y ");
    expect(expr("[1, 2, 3] | combinations(2) | list")).toBe("[(1, 2), (1, 3), (2, 3)]");
    expect(expr("[1, 2] | permutations | list")).toBe("[(1, 2), (2, 1)]");
  });
});
