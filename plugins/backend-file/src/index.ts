export {FileKeyring, openFileKeyring} from './file-keyring.ts'
export type {FileKeyringOptions} from './file-keyring.ts'
export {filenameToKey, keyToFilename} from './filename.ts'
