// IAM's user and access-key actions, with the refusals credential rotation meets.
import {isoSeconds} from './clock.ts'
import {AwsError, invalidClientTokenId, messages, notAuthorized, validationError} from './errors.ts'
import {callerAccount, callerArn, callerHasMfa, callerIamUser, type Identities} from './identities.ts'
import type {AccessKey, Caller, User} from './model.ts'
import type {XmlNode} from './query-protocol.ts'
import {requireParam} from './validation.ts'

export interface IamContext {
  identities: Identities
  caller: Caller
  params: Record<string, string>
  action: string
}

// AWS refuses IAM to GetSessionToken credentials obtained without MFA and to federated users, with this code.
const refuseUnfitSessions = (caller: Caller): void => {
  if (caller.kind !== 'session') return
  const {source, mfa} = caller.session
  if ((source === 'GetSessionToken' && !mfa) || source === 'GetFederationToken') throw invalidClientTokenId()
}

// A user whose policy denies everything without MFA, as the usual "force MFA" policy does.
const denyWithoutMfa = ({caller, action}: IamContext, target: User): void => {
  if (callerIamUser(caller)?.requireMfa && !callerHasMfa(caller)) {
    throw notAuthorized(callerArn(caller), `iam:${action}`, `user ${target.name}`, ' with an explicit deny in an identity-based policy')
  }
}

const targetUser = (ctx: IamContext): User => {
  const name = ctx.params.UserName
  if (name === undefined) {
    const own = callerIamUser(ctx.caller)
    if (!own) throw validationError(messages.userNameRequired)
    return own
  }
  const user = ctx.identities.users.get(name)
  if (!user || user.account !== callerAccount(ctx.caller)) {
    throw new AwsError('NoSuchEntity', `The user with name ${name} cannot be found.`, 404)
  }
  return user
}

const authorizedTarget = (ctx: IamContext): User => {
  refuseUnfitSessions(ctx.caller)
  const user = targetUser(ctx)
  denyWithoutMfa(ctx, user)
  return user
}

const keyMetadata = (key: AccessKey): XmlNode => ({
  UserName: key.user.name,
  AccessKeyId: key.accessKeyId,
  Status: key.status,
  CreateDate: isoSeconds(key.createdAt),
})

const getUser = (ctx: IamContext): XmlNode => {
  const user = authorizedTarget(ctx)
  return {User: {Path: user.path, UserName: user.name, UserId: user.userId, Arn: user.arn, CreateDate: isoSeconds(user.createdAt)}}
}

const listAccessKeys = (ctx: IamContext): XmlNode => {
  const user = authorizedTarget(ctx)
  return {UserName: user.name, AccessKeyMetadata: user.accessKeys.map(keyMetadata), IsTruncated: false}
}

const createAccessKey = (ctx: IamContext): XmlNode => {
  const user = authorizedTarget(ctx)
  if (user.accessKeys.length >= 2) throw new AwsError('LimitExceeded', messages.accessKeyQuota, 409)
  const key = ctx.identities.createAccessKey(user)
  return {AccessKey: {...keyMetadata(key), SecretAccessKey: key.secretAccessKey}}
}

const deleteAccessKey = (ctx: IamContext): undefined => {
  const accessKeyId = requireParam(ctx.params, 'AccessKeyId')
  const user = authorizedTarget(ctx)
  const key = user.accessKeys.find((candidate) => candidate.accessKeyId === accessKeyId)
  if (!key) throw new AwsError('NoSuchEntity', `The Access Key with id ${accessKeyId} cannot be found.`, 404)
  ctx.identities.deleteAccessKey(key)
  return undefined
}

const updateAccessKey = (ctx: IamContext): undefined => {
  const accessKeyId = requireParam(ctx.params, 'AccessKeyId')
  const status = requireParam(ctx.params, 'Status')
  if (status !== 'Active' && status !== 'Inactive') {
    throw validationError(
      `1 validation error detected: Value '${status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]`,
    )
  }
  const user = authorizedTarget(ctx)
  const key = user.accessKeys.find((candidate) => candidate.accessKeyId === accessKeyId)
  if (!key) throw new AwsError('NoSuchEntity', `The Access Key with id ${accessKeyId} cannot be found.`, 404)
  key.status = status
  return undefined
}

export const iamActions: Record<string, (ctx: IamContext) => XmlNode | undefined> = {
  GetUser: getUser,
  ListAccessKeys: listAccessKeys,
  CreateAccessKey: createAccessKey,
  DeleteAccessKey: deleteAccessKey,
  UpdateAccessKey: updateAccessKey,
}
