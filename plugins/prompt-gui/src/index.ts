export {askWithDialog, dialogAvailability} from './dialogs.ts'
export {appleScriptString, DIALOG_TITLE, type DialogId, invocation, type Invocation} from './invocations.ts'
