// aws-vault's names for where its items live, and the variables that change them.
export const DEFAULT_COLLECTION = 'awsvault'
export const DEFAULT_KEYCHAIN = 'aws-vault'
export const WINCRED_NAME = 'aws-vault'

type Env = Readonly<Record<string, string | undefined>>

export function collectionName(env: Env): string {
  return env.AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME || DEFAULT_COLLECTION
}

export function keychainName(env: Env): string {
  return env.AWS_VAULT_KEYCHAIN_NAME || DEFAULT_KEYCHAIN
}

/** The Windows credential target aws-vault uses for `key`. */
export function wincredTarget(key: string, name = WINCRED_NAME): string {
  return `aws-vault:${name}:${key}`
}

/** Whether a graphical session can show the Secret Service's unlock and create prompts. */
export function hasDisplay(env: Env): boolean {
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY)
}
