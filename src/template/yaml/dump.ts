import { Emitter } from "./emitter.js";
import { toEvents } from "./represent.js";

// yaml.dump(value, Dumper=AnsibleDumper, allow_unicode=True, ...) as Ansible's to_yaml and
// to_nice_yaml call it.

export interface DumpOptions {
  indent?: number;
  width?: number;
  defaultFlowStyle?: boolean | null;
  sortKeys?: boolean;
  explicitStart?: boolean;
  explicitEnd?: boolean;
  allowUnicode?: boolean;
}

export function pyYamlDump(value: unknown, opts: DumpOptions = {}): string {
  const events = toEvents(value, {
    defaultFlowStyle: opts.defaultFlowStyle === undefined ? null : opts.defaultFlowStyle,
    sortKeys: opts.sortKeys ?? true,
    explicitStart: opts.explicitStart ?? false,
    explicitEnd: opts.explicitEnd ?? false,
  });
  const emitter = new Emitter({
    ...(opts.indent === undefined ? {} : { indent: opts.indent }),
    ...(opts.width === undefined ? {} : { width: opts.width }),
    allowUnicode: opts.allowUnicode ?? true,
  });
  return emitter.emitAll(events);
}
