# Ansible's own parse_kv over JSON lines of -e texts: one JSON answer per line, the dict it
# returns or the class of what it raised.
import json
import sys

from ansible.parsing.splitter import parse_kv

for line in sys.stdin:
    text = json.loads(line)
    try:
        print(json.dumps({"ok": True, "vars": parse_kv(text)}))
    except Exception as e:  # noqa: BLE001 - any failure is an answer to compare
        print(json.dumps({"ok": False, "cls": type(e).__name__}))
