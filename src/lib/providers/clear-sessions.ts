import type {Keyring} from '../plugin-api/index.ts'

import {errorCode} from '../errors.ts'
import {isMigrateProbeKey} from '../keyring/probe-key.ts'
import {isOidcTokenKey, oidcTokenKey, parseSessionKey} from '../keyring/session-key.ts'

/** Session keys of aws-vault releases before v6, which `aws-vault clear` also removes. */
const oldSessionKeyPatterns = [/^session,[^,]+,[^,]*,[0-9]{2,}$/, /^session:[^ ]+:[^ ]*:[^:]+$/, /^.+? session \(\d+\)$/]

export function isOldSessionKey(key: string): boolean {
  return oldSessionKeyPatterns.some((pattern) => pattern.test(key))
}

export interface ClearTarget {
  /** Only this profile's sessions; every session and SSO token when unset. */
  profileName?: string
  /** The profile's sso_start_url, whose cached SSO token goes too. */
  ssoStartUrl?: string
}

/**
 * What `vault clear` removes. Without a profile, as `aws-vault clear`: every session (old formats
 * included) and every SSO token. With a profile: its sessions and, unlike aws-vault v7.2, also the
 * SSO token of its start URL (aws-vault means to, but its lookup compares the bare start URL with
 * the `oidc:`-prefixed key and never finds it, so the token stays). Returns how many went.
 */
export async function clearSessions(keyring: Keyring, target: ClearTarget = {}): Promise<number> {
  const keys = await keyring.keys()
  const doomed = keys.filter((key) => {
    if (target.profileName === undefined)
      return parseSessionKey(key) !== undefined || isOldSessionKey(key) || isOidcTokenKey(key) || isMigrateProbeKey(key)
    if (target.ssoStartUrl && key === oidcTokenKey(target.ssoStartUrl)) return true
    return parseSessionKey(key)?.profileName === target.profileName
  })
  let removed = 0
  for (const key of doomed) {
    try {
      await keyring.remove(key)
      removed++
    } catch (error) {
      // Another process got there first: it is gone all the same, but not by us.
      if (errorCode(error) !== 'ITEM_NOT_FOUND') throw error
    }
  }
  return removed
}
