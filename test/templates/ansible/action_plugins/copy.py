# The differential test's stand-in for ansible.legacy.copy. Ansible's template action renders the
# template (its own code, unchanged) and hands the rendered file to ansible.legacy.copy, which it
# looks up so that a local action plugin overrides it. This run is controller-only (connection
# local), so copying the file byte for byte is all copy would do; doing it here saves a Python
# module process per case, which is most of the cost of a template task.
import shutil

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        shutil.copyfile(self._task.args['src'], self._task.args['dest'])
        result['changed'] = True
        return result
