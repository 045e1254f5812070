import type {PromptDriverDescriptor} from '@vault-aws/cli/plugin-api'

// Describes only: finding and running ykman load when the driver is checked or used.
const ykman: PromptDriverDescriptor = {
  id: 'ykman',
  summary: 'Reads the code from a YubiKey with `ykman oath accounts code` (touch the key if it blinks)',
  needsTty: false,
  async isAvailable(ctx) {
    const {ykmanAvailability} = await import('../ykman.ts')
    return ykmanAvailability(ctx)
  },
  create(ctx) {
    return async (mfaSerial) => {
      const {codeFromYkman} = await import('../ykman.ts')
      return codeFromYkman(mfaSerial, ctx)
    }
  },
}

export default async function prompts(): Promise<PromptDriverDescriptor[]> {
  return [ykman]
}
