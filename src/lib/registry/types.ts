import type {VaultHookEvent, VaultHookEvents} from '../plugin-api/index.ts'

/** The oclif plugin a descriptor came from. `type` is oclif's: `core`, `user`, `link`, `dev`, … */
export interface PluginRef {
  name: string
  type: string
}

/** A validated descriptor and the plugin that contributed it. */
export interface Registered<T> {
  descriptor: T
  plugin: PluginRef
}

/** The descriptor type a vault event returns a list of. */
export type DescriptorOf<E extends VaultHookEvent> = VaultHookEvents[E]['return'][number]
