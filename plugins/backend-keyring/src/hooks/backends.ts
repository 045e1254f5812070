import type {BackendDescriptor} from '@vault-aws/cli/plugin-api'

// Describes only: the D-Bus client and the native binding load when the backend is used.
const SUMMARY =
  "The operating system's keyring (Secret Service, macOS Keychain, Windows Credential Manager), where aws-vault keeps its items"

// aws-vault's name for this platform's keyring, so `--backend secret-service` keeps working.
const AWS_VAULT_IDS: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'secret-service',
  freebsd: 'secret-service',
  openbsd: 'secret-service',
  darwin: 'keychain',
  win32: 'wincred',
}

// The Secret Service's prompts are announced through ctx.beforeDialog; the Keychain's access dialog and
// Windows' are shown by the native binding with no warning beforehand.
const ANNOUNCES_DIALOGS = process.platform !== 'darwin' && process.platform !== 'win32'

function descriptor(id: string, summary: string, priority: number): BackendDescriptor {
  return {
    id,
    summary,
    priority,
    asksOnlyThroughContext: ANNOUNCES_DIALOGS,
    async isAvailable(ctx) {
      const {keyringAvailability} = await import('../availability.ts')
      return keyringAvailability(ctx)
    },
    async open(ctx) {
      const {openKeyring} = await import('../open.ts')
      return openKeyring(ctx)
    },
    async location(ctx) {
      const {collectionName, keychainName} = await import('../settings.ts')
      if (process.platform === 'darwin') return `keychain "${keychainName(ctx.env)}"`
      if (process.platform === 'win32') return 'Windows Credential Manager'
      return `Secret Service collection "${collectionName(ctx.env)}"`
    },
  }
}

export default async function backends(): Promise<BackendDescriptor[]> {
  const list = [descriptor('keyring', SUMMARY, 30)]
  const alias = AWS_VAULT_IDS[process.platform]
  if (alias !== undefined) list.push(descriptor(alias, `Same store as "keyring" (aws-vault's name for it)`, 29))
  return list
}
