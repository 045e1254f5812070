import {VaultError} from '../errors.ts'
import type {BackendDescriptor, CredentialSourceDescriptor, PromptDriverDescriptor, VaultHookEvent} from '../plugin-api/index.ts'
import {apiWarnings} from './api-compatibility.ts'
import {register} from './register.ts'
import {runVaultHook, type HookHost} from './run-hook.ts'
import type {DescriptorOf, Registered} from './types.ts'

/** How long one plugin's hook may take before it is reported and skipped. */
export const DEFAULT_HOOK_TIMEOUT_MS = 3000

export interface PluginRegistryOptions {
  /** Per hook file: the default (docs/plugins.md promises plugins three seconds) suits every command; tests shorten it. */
  timeoutMs?: number
}

/**
 * The descriptors plugins contribute through the vault:* hooks, collected once per
 * event for the life of one command. Never throws because of a plugin: problems
 * become {@link warnings}, user plugins replacing bundled ones become {@link notices}.
 */
export class PluginRegistry {
  readonly #host: HookHost
  readonly #timeoutMs: number
  readonly #collected = new Map<VaultHookEvent, Promise<Array<Registered<unknown>>>>()
  readonly #warnings: string[] = []
  readonly #notices: string[] = []
  /** Plugins whose plugin API range was looked at: once per command, whatever events they answer. */
  readonly #apiChecked = new Set<string>()

  constructor(host: HookHost, options: PluginRegistryOptions = {}) {
    const timeoutMs = options.timeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new VaultError('USAGE', `the plugin hook timeout must be a positive number of milliseconds, not ${timeoutMs}`)
    }
    this.#host = host
    this.#timeoutMs = timeoutMs
  }

  /** Keyring backends, highest priority first. */
  backends(): Promise<Array<Registered<BackendDescriptor>>> {
    return this.#collect('vault:backends')
  }

  /** MFA prompt drivers, in discovery order (the host first, then bundled plugins as listed). */
  prompts(): Promise<Array<Registered<PromptDriverDescriptor>>> {
    return this.#collect('vault:prompts')
  }

  /** Credential sources, highest priority first. */
  sources(): Promise<Array<Registered<CredentialSourceDescriptor>>> {
    return this.#collect('vault:sources')
  }

  /** Problems found so far, each naming the plugin at fault. */
  warnings(): string[] {
    return [...this.#warnings]
  }

  /** User-installed or linked plugins that replaced a bundled descriptor so far. */
  notices(): string[] {
    return [...this.#notices]
  }

  #collect<E extends VaultHookEvent>(event: E): Promise<Array<Registered<DescriptorOf<E>>>> {
    let collected = this.#collected.get(event)
    if (collected === undefined) {
      collected = this.#discover(event)
      this.#collected.set(event, collected)
    }
    return collected as Promise<Array<Registered<DescriptorOf<E>>>>
  }

  async #discover<E extends VaultHookEvent>(event: E): Promise<Array<Registered<DescriptorOf<E>>>> {
    let answers
    try {
      answers = await runVaultHook(this.#host, event, this.#timeoutMs)
    } catch (error) {
      // captureErrors keeps plugin errors inside runHook; this guards against oclif itself failing.
      this.#warnings.push(`The ${event} hooks could not run: ${error instanceof Error ? error.message : String(error)}`)
      return []
    }
    const answering = [...answers.successes, ...answers.failures].map(({plugin}) => plugin)
    const unchecked = answering.filter((plugin) => !this.#apiChecked.has(plugin.name))
    for (const plugin of unchecked) this.#apiChecked.add(plugin.name)
    this.#warnings.push(...(await apiWarnings(unchecked)))
    const {entries, warnings, notices} = register(event, answers, this.#timeoutMs)
    this.#warnings.push(...warnings)
    this.#notices.push(...notices)
    return entries
  }
}
