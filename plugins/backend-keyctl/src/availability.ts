import type {Availability, BackendContext} from '@vault-aws/cli/plugin-api'

import {runKeyctl} from './keyctl-runner.ts'
import {resolveSettings, type KeyctlSettings} from './settings.ts'

/** Whether the kernel keyring can be used here, and why not. Never prompts, never writes. */
export async function keyctlAvailability(ctx: BackendContext, platform: NodeJS.Platform = process.platform): Promise<Availability> {
  if (platform !== 'linux') return {available: false, reason: `the kernel keyring exists only on Linux, not ${platform}`}
  let settings: KeyctlSettings
  try {
    settings = resolveSettings(ctx.env)
  } catch (error) {
    return {available: false, reason: (error as Error).message}
  }
  const executable = ctx.findExecutable(settings.command)
  if (executable === undefined)
    return {available: false, reason: `no ${settings.command} command: install keyutils (Debian package "keyutils")`}
  const run = await runKeyctl('probe', '', {executable, scope: settings.scope, ring: settings.ring, path: ctx.env.PATH}).catch(
    (error: Error) => ({code: -1, stdout: Buffer.alloc(0), stderr: error.message}),
  )
  if (run.code !== 0) {
    const said = run.stderr.trim().split('\n').filter(Boolean).at(-1) ?? `exit ${run.code}`
    return {available: false, reason: `the kernel refuses keyctl here (${said})`}
  }
  return {available: true, reason: `keyring "${settings.ring}" in the ${settings.scope} kernel keyring; emptied by a reboot`}
}
