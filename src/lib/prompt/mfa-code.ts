/** How many digits an AWS MFA device shows. */
export const MFA_CODE_DIGITS = 6

/**
 * The code as AWS wants it, or undefined when the text is not one. Authenticator apps
 * show codes as "123 456", so whitespace anywhere is dropped.
 */
export function normaliseMfaCode(text: string): string | undefined {
  const code = text.replace(/\s+/g, '')
  return new RegExp(`^\\d{${MFA_CODE_DIGITS}}$`).test(code) ? code : undefined
}
