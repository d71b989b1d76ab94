"""The reference side of test/unit/python/literal-eval.test.ts: CPython's ast.literal_eval.

Reads one JSON object per line, {"text": str, "lstrip": bool}, and writes one JSON array: for
each case {"ok": false, "cls": exception class name} or {"ok": true, "enc": canonical encoding,
"repr": repr(value) or null}. lstrip false evaluates ast.parse(text, mode="eval") the way
Ansible's ansible_eval_concat does. Both ways parse with 5 Python frames on the stack (module,
main, evaluate, literal_eval or parse_without_lstrip, ast.parse): CPython's limit on the depth of
the tree it converts depends on that, and the port assumes this depth.
"""

import ast
import json
import sys
import warnings


def parse_without_lstrip(text):
    return ast.parse(text, mode="eval")


def evaluate(text, lstrip):
    if lstrip:
        return ast.literal_eval(text)
    return ast.literal_eval(parse_without_lstrip(text))


def enc(v):
    """Type tags and exact values; set items sorted (their order is CPython's hash order)."""
    t = type(v)
    if v is None:
        return "None"
    if v is Ellipsis:
        return "Ellipsis"
    if t is bool:
        return "bool:%s" % v
    if t is int:
        return "int:%s%x" % ("-" if v < 0 else "", abs(v))
    if t is float:
        return "float:%r" % v
    if t is complex:
        return "complex:%r,%r" % (v.real, v.imag)
    if t is str:
        return "str:" + json.dumps(v)
    if t is bytes:
        return "bytes:" + v.hex()
    if t is tuple:
        return "tuple(" + ",".join(enc(x) for x in v) + ")"
    if t is list:
        return "list[" + ",".join(enc(x) for x in v) + "]"
    if t is set:
        return "set{" + ",".join(sorted(enc(x) for x in v)) + "}"
    if t is dict:
        return "dict{" + ",".join(enc(k) + ":" + enc(x) for k, x in v.items()) + "}"
    raise TypeError("unexpected type %s" % t.__name__)


def has_set(v):
    if type(v) is set:
        return True
    if type(v) in (tuple, list):
        return any(has_set(x) for x in v)
    if type(v) is dict:
        return any(has_set(k) or has_set(x) for k, x in v.items())
    return False


def main():
    warnings.simplefilter("ignore")
    results = []
    for line in sys.stdin:
        case = json.loads(line)
        try:
            value = evaluate(case["text"], case["lstrip"])
        except BaseException as e:  # MemoryError and RecursionError are answers too
            results.append({"ok": False, "cls": type(e).__name__})
            continue
        try:
            # Set order is hash order, not comparable; ints past 4300 digits have no repr.
            text = None if has_set(value) else repr(value)
        except ValueError:
            text = None
        results.append({"ok": True, "enc": enc(value), "repr": text})
    json.dump(results, sys.stdout)


main()
