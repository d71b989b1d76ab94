/**
 * Names that earlier inventory sources already hold. Ansible parses sources one after another
 * into one inventory, so `[web:vars]` or a `web` under `[x:children]` is valid in a second file
 * when the first one declared `web`; and a host seen before keeps its port.
 */
export interface KnownNames {
  readonly groups: ReadonlySet<string>;
  readonly hosts: ReadonlySet<string>;
}

export const NO_KNOWN_NAMES: KnownNames = { groups: new Set(), hosts: new Set() };
