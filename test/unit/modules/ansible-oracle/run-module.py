"""Runs a real Ansible module on scratch files, one case per input line, for differential tests.

Input (stdin), one JSON object a line: {"module": "ansible.modules.replace" (run with -m), "path":
a directory to add to PYTHONPATH or null, "content": base64 or null (no file), "args": {...},
"file_arg": the argument that names the file, "path" when absent}. The module edits DIR/file (given to it as that argument) in its own scratch
directory, as ansible-playbook would run it on a host: not in check mode, with diff on.
Output (stdout): a JSON list, one {"failed", "changed", "msg", "content": base64 or null} per case.
Needs the Python that has ansible-core (Debian: /usr/bin/python3 with the ansible-core package).
"""
import base64
import json
import os
import subprocess
import sys
import tempfile

results = []
for line in sys.stdin:
    if not line.strip():
        continue
    case = json.loads(line)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "file")
        if case["content"] is not None:
            with open(path, "wb") as f:
                f.write(base64.b64decode(case["content"]))
        args = dict(case["args"], _ansible_diff=True, _ansible_check_mode=False,
                    _ansible_remote_tmp=os.path.join(d, "tmp"), _ansible_keep_remote_files=False)
        args[case.get("file_arg") or "path"] = path
        args_file = os.path.join(d, "args.json")
        with open(args_file, "w") as f:
            json.dump({"ANSIBLE_MODULE_ARGS": args}, f)
        env = dict(os.environ)
        if case.get("path"):
            env["PYTHONPATH"] = case["path"]
        p = subprocess.run([sys.executable, "-m", case["module"], args_file], capture_output=True, cwd=d, env=env)
        try:
            out = json.loads(p.stdout)
        except ValueError:
            out = {"failed": True, "msg": "module crashed: " + p.stderr.decode(errors="replace")[-400:]}
        content = None
        if os.path.exists(path):
            with open(path, "rb") as f:
                content = base64.b64encode(f.read()).decode()
        results.append({"failed": bool(out.get("failed")), "changed": bool(out.get("changed")),
                        "msg": str(out.get("msg", "")), "content": content})
json.dump(results, sys.stdout)
