/**
 * Secrets taken out of what vault prints about warnings, failures and its own progress. vault
 * never puts one there itself, but a plugin's error message or debug line may quote what it
 * was handling: the values of the secret variables in vault's environment, and anything shaped
 * like an AWS secret access key (40 base64 characters) or a session token (100 or more), are
 * printed as [redacted].
 */
export const REDACTED = '[redacted]'

const SECRET_VARIABLES = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_VAULT_FILE_PASSPHRASE']
const SECRET_KEY = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g
const TOKEN = /[A-Za-z0-9/+]{100,}={0,2}/g
// Shorter values would take ordinary words with them.
const SHORTEST_VALUE = 6

export function redactSecrets(text: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  let redacted = text
  for (const name of SECRET_VARIABLES) {
    const value = env[name]
    if (value && value.length >= SHORTEST_VALUE) redacted = redacted.split(value).join(REDACTED)
  }
  return redacted.replace(TOKEN, REDACTED).replace(SECRET_KEY, REDACTED)
}
