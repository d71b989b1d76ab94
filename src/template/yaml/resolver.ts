// PyYAML's implicit resolvers (yaml/resolver.py): the plain scalars YAML 1.1 reads as something
// other than a string. A string that looks like one of these must be quoted when dumped, which is
// why `'yes'`, `'1.0'` and `''` come out quoted.

const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)\n?$/;
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\n?$/;
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)\n?$/;
const MERGE = /^(?:<<)\n?$/;
const NULL = /^(?:~|null|Null|NULL|)\n?$/;
const TIMESTAMP =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)\n?$/;
const VALUE = /^(?:=)\n?$/;
const YAML = /^(?:!|&|\*)\n?$/;

const BY_FIRST_CHAR: Record<string, readonly RegExp[]> = {};
function add(re: RegExp, first: readonly string[]): void {
  for (const c of first) BY_FIRST_CHAR[c] = [...(BY_FIRST_CHAR[c] ?? []), re];
}
add(BOOL, [..."yYnNtTfFoO"]);
add(FLOAT, [..."-+0123456789."]);
add(INT, [..."-+0123456789"]);
add(MERGE, ["<"]);
add(NULL, ["~", "n", "N", ""]);
add(TIMESTAMP, [..."0123456789"]);
add(VALUE, ["="]);
add(YAML, [..."!&*"]);

/** True when a plain scalar with this text would load back as a string. */
export function resolvesToString(value: string): boolean {
  const candidates = BY_FIRST_CHAR[value === "" ? "" : (value[0] ?? "")] ?? [];
  return !candidates.some((re) => re.test(value));
}
