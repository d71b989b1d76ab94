// Cases of test/templates/cases/ whose rendering still differs from Ansible's, each with why.
// The parity test fails when a case not listed here differs, and when a listed case matches (then
// delete its line): the list only shrinks, and the parity figure it prints stays honest.
export const knownDifferences: Readonly<Record<string, string>> = {
  "templated-vars-string-filter-branches":
    "a variable's value whose output is one string-type filter's result (to_json, string, ...) stays text in Ansible, decided when it renders; do-converge decides it from the template's shape, which is exact for one `{{ x | f }}` and for `{% if %}` branches that give the same filter or nothing, but not for branches that differ (another filter, plain text or an expression) nor for two blocks of which only one outputs: there a dict or list text is read back as a value",
  "ansible-to-nice-yaml-long-quoted":
    "to_yaml/to_nice_yaml fold a long double-quoted string (and a long flow collection) elsewhere than PyYAML, which breaks a double-quoted scalar only at a space past its 80-column width, never inside a word or an escape (found in cloudalchemy/ansible-prometheus's alert.rules.j2)",
};
