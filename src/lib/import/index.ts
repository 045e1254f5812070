// Plaintext keys from the shared credentials file into the vault, and out of the file.
export {
  ACCESS_KEY,
  readCredentialsFile,
  SECRET_KEY,
  withoutKeys,
  type CredentialsFile,
  type PlaintextKeys,
  type SkippedSection,
} from './credentials-file.ts'
export {
  importCredentials,
  writeBackup,
  type ImportAction,
  type ImportOptions,
  type ImportOutcome,
  type ImportResult,
} from './import-credentials.ts'
export {credentialsPath} from './credentials-path.ts'
