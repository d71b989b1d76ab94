# One JSON line per template task of the differential test: the case (the task's name), whether
# Ansible failed to render it and why, so the harness need not parse the human-readable output.
import json

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'case_results'

    def _emit(self, result, failed):
        msg = result._result.get('msg', '') if failed else ''
        # The task's own name: get_name() would prefix a role's tasks with "role : ".
        self._display.display(json.dumps({'case': result._task.name, 'failed': failed, 'msg': str(msg)}))

    def v2_runner_on_ok(self, result):
        self._emit(result, False)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._emit(result, True)

    def v2_runner_on_unreachable(self, result):
        self._emit(result, True)
