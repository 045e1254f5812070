import type {MfaPrompt, PromptContext, PromptDriverDescriptor} from '../plugin-api/index.ts'
import type {Registered} from '../registry/index.ts'

import {VaultError} from '../errors.ts'
import {usableHere} from '../registry/usable-here.ts'

export type DriverEntry = Registered<PromptDriverDescriptor>

export interface DriverRequest {
  /** From --prompt or AWS_VAULT_PROMPT; empty means choose automatically. */
  requested?: string
  /** Credential servers run beside a child that owns the terminal: no terminal prompts there. */
  serverMode?: boolean
}

/** Where the drivers that are not built in come from, for the suggestion when one is missing. */
const installableDrivers: Readonly<Record<string, string>> = {
  kdialog: 'prompt-gui',
  osascript: 'prompt-gui',
  ykman: 'prompt-ykman',
  zenity: 'prompt-gui',
}

/**
 * The driver named by --prompt/AWS_VAULT_PROMPT. Checks only that it exists, so that a
 * mistyped name fails at once, before any credentials are fetched.
 */
export function requestedDriver(entries: readonly DriverEntry[], requested: string): DriverEntry {
  const found = entries.find((entry) => entry.descriptor.id === requested)
  if (found) return found
  if (requested === 'pass') {
    throw new VaultError(
      'PROMPT_UNKNOWN',
      '--prompt=pass (or AWS_VAULT_PROMPT=pass) is not supported: a TOTP secret kept on the same machine as the keys is no second factor',
      {suggestions: ['to keep using pass, add `mfa_process = pass otp <your mfa_serial>` to the profiles in ~/.aws/config']},
    )
  }
  const ids = entries.map((entry) => entry.descriptor.id)
  const plugin = installableDrivers[requested]
  throw new VaultError('PROMPT_UNKNOWN', `unknown prompt driver "${requested}" (available: ${ids.join(', ') || 'none'})`, {
    suggestions: [...(plugin ? [`install it: vault plugins install ${plugin}`] : []), 'see `vault prompts` for the drivers installed here'],
  })
}

/**
 * The driver to ask with, as aws-vault chooses: the one requested, else the terminal when
 * there is one and no server mode, else the first available driver that needs no terminal
 * (the GUI dialogs, a hardware key), in discovery order.
 */
export async function chooseDriver(entries: readonly DriverEntry[], request: DriverRequest, ctx: PromptContext): Promise<DriverEntry> {
  if (request.requested) {
    const entry = requestedDriver(entries, request.requested)
    if (request.serverMode && entry.descriptor.needsTty) {
      throw new VaultError(
        'PROMPT_UNAVAILABLE',
        `the "${entry.descriptor.id}" prompt cannot be used by a credential server: the terminal belongs to the command it runs`,
        {
          suggestions: ['choose a GUI prompt with --prompt (see `vault prompts`)', 'or set mfa_process in the profile'],
        },
      )
    }
    const state = await usableHere(entry.descriptor, ctx)
    if (!state.available) {
      throw new VaultError(
        'PROMPT_UNAVAILABLE',
        `prompt driver "${entry.descriptor.id}" cannot be used here: ${state.reason ?? 'unavailable'}`,
        {
          suggestions: ['see `vault prompts` for what each driver needs'],
        },
      )
    }
    return entry
  }
  const reasons: string[] = []
  const tryEach = async (candidates: readonly DriverEntry[]): Promise<DriverEntry | undefined> => {
    for (const entry of candidates) {
      const state = await usableHere(entry.descriptor, ctx)
      if (state.available) return entry
      reasons.push(`${entry.descriptor.id}: ${state.reason ?? 'unavailable'}`)
    }
    return undefined
  }
  const terminals = entries.filter((entry) => entry.descriptor.needsTty)
  const others = entries.filter((entry) => !entry.descriptor.needsTty)
  if (request.serverMode) reasons.push(...terminals.map((entry) => `${entry.descriptor.id}: not in server mode`))
  const chosen = (request.serverMode ? undefined : await tryEach(terminals)) ?? (await tryEach(others))
  if (chosen) return chosen
  throw new VaultError('PROMPT_UNAVAILABLE', `no way to ask for an MFA code here (${reasons.join('; ') || 'no prompt driver installed'})`, {
    suggestions: [
      'give the code with --mfa-token',
      'set mfa_process in the profile to a command that prints the code',
      'or install a driver that works here and name it with --prompt or AWS_VAULT_PROMPT (see `vault prompts`; e.g. vault plugins install prompt-gui)',
    ],
  })
}

/**
 * Wraps a driver so that its failures read as ours: a dialog the user cancelled
 * (a plain error with code PROMPT_CANCELLED) is an abort, anything else names the driver.
 * An empty answer is refused here, once for every driver.
 */
export function guardDriver(id: string, prompt: MfaPrompt): MfaPrompt {
  return async (mfaSerial) => {
    let code: string
    try {
      code = await prompt(mfaSerial)
    } catch (error) {
      if (error instanceof VaultError) throw error
      const message = error instanceof Error ? error.message : String(error)
      if ((error as {code?: unknown}).code === 'PROMPT_CANCELLED') {
        throw new VaultError('ABORTED', `cancelled at the ${id} prompt`, {cause: error})
      }
      throw new VaultError('MFA_FAILED', `the ${id} prompt failed: ${message}`, {
        cause: error,
        suggestions: ['see `vault prompts`', 'or give the code with --mfa-token'],
      })
    }
    const trimmed = typeof code === 'string' ? code.trim() : ''
    if (trimmed === '')
      throw new VaultError('MFA_FAILED', `the ${id} prompt returned no MFA code`, {suggestions: ['or give the code with --mfa-token']})
    return trimmed
  }
}
