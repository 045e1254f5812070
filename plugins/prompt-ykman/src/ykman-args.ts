type Env = Readonly<Record<string, string | undefined>>

/**
 * ykman's arguments as aws-vault v7 builds them: `--device` when YKMAN_OATH_DEVICE_SERIAL
 * picks one of several keys; the OATH account from YKMAN_OATH_CREDENTIAL_NAME or else the
 * MFA serial; `oath code` for ykman 1–3 (AWS_VAULT_YKMAN_VERSION), `oath accounts code` from 4 on.
 */
export function ykmanArgs(mfaSerial: string, env: Env): string[] {
  const account = env.YKMAN_OATH_CREDENTIAL_NAME || mfaSerial
  const device = env.YKMAN_OATH_DEVICE_SERIAL ? ['--device', env.YKMAN_OATH_DEVICE_SERIAL] : []
  const legacy = ['1', '2', '3'].includes(env.AWS_VAULT_YKMAN_VERSION ?? '')
  return [...device, 'oath', ...(legacy ? ['code'] : ['accounts', 'code']), '--single', account]
}
