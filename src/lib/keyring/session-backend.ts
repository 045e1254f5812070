// Sessions and SSO tokens in a store of their own: the backend named by --session-backend or
// AWS_VAULT_SESSION_BACKEND, with its settings under a session prefix (AWS_VAULT_SESSION_FILE_DIR
// is the session store's AWS_VAULT_FILE_DIR). Unset, sessions live with the long-term keys.

type Env = Readonly<Record<string, string | undefined>>

export const SESSION_BACKEND_VARIABLE = 'AWS_VAULT_SESSION_BACKEND'
const SESSION_PREFIX = 'AWS_VAULT_SESSION_'

/**
 * The environment the session backend reads its settings from: every `AWS_VAULT_SESSION_<X>` becomes
 * its `AWS_VAULT_<X>`; a setting without a session value is the long-term store's, so both stores
 * can share what they have in common (a pass command, a GnuPG home).
 */
export function sessionBackendEnv(env: Env): Record<string, string | undefined> {
  const mapped: Record<string, string | undefined> = {...env}
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(SESSION_PREFIX) || name === SESSION_BACKEND_VARIABLE || value === undefined) continue
    mapped[`AWS_VAULT_${name.slice(SESSION_PREFIX.length)}`] = value
  }
  return mapped
}

/** The session backend's settings that tell one session store from another (never a passphrase). */
export function sessionStoreSettings(env: Env): string[] {
  return Object.keys(env)
    .filter((name) => name.startsWith(SESSION_PREFIX) && !name.endsWith('_PASSPHRASE'))
    .sort()
    .map((name) => `${name}=${env[name] ?? ''}`)
}
