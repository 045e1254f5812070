import type {PromptDriverDescriptor} from '../lib/plugin-api/index.ts'

// Describes only: the terminal code loads when the driver is checked or used.
const terminal: PromptDriverDescriptor = {
  id: 'terminal',
  summary: 'Asks on the controlling terminal (/dev/tty); what you type is not shown',
  needsTty: true,
  async isAvailable() {
    const {terminalAvailability} = await import('../lib/prompt/terminal-io.ts')
    return terminalAvailability()
  },
  create() {
    return async (mfaSerial) => {
      const {askMfaCodeOnTerminal} = await import('../lib/prompt/terminal-driver.ts')
      return askMfaCodeOnTerminal(mfaSerial)
    }
  },
}

export default async function prompts(): Promise<PromptDriverDescriptor[]> {
  return [terminal]
}
