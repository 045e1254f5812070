// Role trust policies, reduced to what credential logic meets: who may assume, whether MFA and an external id are required.
import {callerAccount, callerArn, callerIamUser} from './identities.ts'
import type {Caller, Role} from './model.ts'

const ACCOUNT_ROOT = /^arn:aws:iam::(\d{12}):root$/

const principalMatches = (principal: string, caller: Caller): boolean => {
  if (principal === '*') return true
  if (/^\d{12}$/.test(principal)) return callerAccount(caller) === principal
  const root = ACCOUNT_ROOT.exec(principal)
  if (root) return callerAccount(caller) === root[1]
  if (callerIamUser(caller)?.arn === principal) return true
  if (caller.kind === 'session' && caller.session.role?.arn === principal) return true
  return callerArn(caller) === principal
}

export const trustAllows = (role: Role, caller: Caller, request: {mfa: boolean; externalId?: string}): boolean =>
  role.trust.principals.some((principal) => principalMatches(principal, caller)) &&
  (!role.trust.mfaRequired || request.mfa) &&
  (role.trust.externalId === undefined || role.trust.externalId === request.externalId)
