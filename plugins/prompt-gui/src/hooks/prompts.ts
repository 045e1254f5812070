import type {PromptDriverDescriptor} from '@vault-aws/cli/plugin-api'

type DialogId = 'kdialog' | 'osascript' | 'zenity'

// Describes only: the dialog code loads when a driver is checked or used.
function dialog(id: DialogId, summary: string): PromptDriverDescriptor {
  return {
    id,
    summary,
    needsTty: false,
    async isAvailable(ctx) {
      const {dialogAvailability} = await import('../dialogs.ts')
      return dialogAvailability(id, ctx)
    },
    create(ctx) {
      return async (mfaSerial) => {
        const {askWithDialog} = await import('../dialogs.ts')
        return askWithDialog(id, mfaSerial, ctx)
      }
    },
  }
}

// Alphabetical, the order in which aws-vault picks a dialog when there is no terminal.
export default async function prompts(): Promise<PromptDriverDescriptor[]> {
  return [
    dialog('kdialog', 'A KDE input box (kdialog --inputbox)'),
    dialog('osascript', 'A macOS dialog (osascript display dialog)'),
    dialog('zenity', 'A GTK entry dialog (zenity --entry)'),
  ]
}
