export type DialogId = 'kdialog' | 'osascript' | 'zenity'

export interface Invocation {
  command: DialogId
  args: string[]
}

/** The window title aws-vault gives its dialogs, kept so window-manager rules written for it still match. */
export const DIALOG_TITLE = 'aws-vault'

export function mfaPromptMessage(mfaSerial: string): string {
  return `Enter MFA code for ${mfaSerial}: `
}

/** A string literal for AppleScript: backslashes and double quotes escaped. */
export function appleScriptString(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
}

/** Each dialog's command line, argument for argument as aws-vault v7 runs it. */
export function invocation(id: DialogId, mfaSerial: string): Invocation {
  const message = mfaPromptMessage(mfaSerial)
  switch (id) {
    case 'zenity':
      return {args: ['--entry', '--title', DIALOG_TITLE, '--text', message], command: 'zenity'}
    case 'kdialog':
      return {args: ['--inputbox', message, '--title', DIALOG_TITLE], command: 'kdialog'}
    case 'osascript':
      return {
        args: [
          '-e',
          `\n\t\tdisplay dialog ${appleScriptString(message)} default answer "" buttons {"OK", "Cancel"} default button 1\n        text returned of the result\n        return result`,
        ],
        command: 'osascript',
      }
  }
}
