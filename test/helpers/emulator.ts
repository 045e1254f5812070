// The AWS endpoint emulator for any test: `const aws = await startEmulator({users: [{name: 'alice', mfa: true}]})`.
export {startEmulator, Emulator, DEFAULT_ACCOUNT, REDACTED} from '../emulator/index.ts'
export type {
  Call,
  CallOutcome,
  CallPrincipal,
  ErrorSpec,
  HostileCredentials,
  KeyPair,
  Seed,
  SeededRole,
  SeededUser,
  SessionView,
  VerifiedLogin,
  WebIdentityTokenOptions,
} from '../emulator/index.ts'
