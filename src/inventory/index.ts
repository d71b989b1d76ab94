// The inventory's public surface: sources → merged inventory → per-host vars, connection, patterns.
export { connectionSpec, ConnectionSpecSchema, type ConnectionSpec, type RenderTemplate } from "./connection.js";
export {
  ConnectionVarError,
  GroupCycleError,
  HostPatternError,
  InvalidGroupNameError,
  InvalidHostNameError,
  InventoryError,
  InventoryFileError,
  InventoryShapeError,
  InventorySourceError,
  InventorySyntaxError,
  UnknownHostError,
  UnknownPatternNameError,
  VarsFileError,
} from "./errors.js";
export { DigitalOceanConfigSchema, type DigitalOceanConfig } from "./digitalocean-config.js";
export { dropletFacts, loadDigitalOceanInventory } from "./digitalocean-source.js";
export {
  DropletFactsSchema,
  DropletGroupingSchema,
  dropletHosts,
  groupName,
  HostAddressSchema,
  KeyedGroupSchema,
  type DropletEntry,
  type DropletFacts,
  type DropletGrouping,
  type HostAddress,
  type KeyedGroup,
} from "./droplet-hosts.js";
export { DropletHostError, DynamicInventoryError } from "./dynamic-errors.js";
export type { DynamicSourceOptions } from "./dynamic-options.js";
export { groupsOfHost, hostsOfGroup } from "./graph.js";
export { loadInventory, type LoadInventoryOptions } from "./load.js";
export { magicVars, MagicVarsSchema, type MagicVars } from "./magic.js";
export { mergeInventories } from "./merge.js";
export * from "./model.js";
export { selectHosts, type HostSelection, type SelectOptions } from "./patterns.js";
export {
  resolveHostVars,
  ResolvedVarsSchema,
  RunVarsSchema,
  sortGroups,
  VAR_LAYERS,
  VarLayerSchema,
  type ResolvedVars,
  type RunVars,
  type VarLayer,
} from "./precedence.js";
export {
  formatProvenance,
  ProvenanceSchema,
  trackVars,
  TrackedValueSchema,
  TrackedVarsSchema,
  type Provenance,
  type TrackedValue,
  type TrackedVars,
} from "./provenance.js";
export { inventorySource, loadInventoryFile, PLUGINS } from "./source-factory.js";
export { loadTerraformConfig, loadTerraformState, TerraformConfigSchema, TerraformStateSource } from "./terraform-source.js";
export { parseTerraformState, type TerraformState } from "./terraform-state.js";
export { attachVarsDirs } from "./vars-dirs.js";
export { parseVarsText, readVarsFile } from "./vars-file.js";
export { parseYamlInventory, YamlInventorySource } from "./yaml-source.js";
export { inventoryGraph, inventoryList } from "./views.js";
export { formatInventoryWarning } from "./warnings.js";
