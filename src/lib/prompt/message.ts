/** The question every driver asks, worded as aws-vault v7 words it so users recognise it. */
export function mfaPromptMessage(mfaSerial: string): string {
  return `Enter MFA code for ${mfaSerial}: `
}
