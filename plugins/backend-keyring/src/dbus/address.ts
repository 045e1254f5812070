import {existsSync} from 'node:fs'
import {join} from 'node:path'

type Env = Readonly<Record<string, string | undefined>>

/** Where the session bus is, as a D-Bus address, or why there is none. */
export type BusLocation = {address: string} | {reason: string}

/**
 * The session bus address: DBUS_SESSION_BUS_ADDRESS, else the socket systemd-based sessions
 * put in $XDG_RUNTIME_DIR/bus (where libdbus and sd-bus look as well).
 */
export function sessionBusLocation(env: Env): BusLocation {
  if (env.DBUS_SESSION_BUS_ADDRESS) return {address: env.DBUS_SESSION_BUS_ADDRESS}
  if (env.XDG_RUNTIME_DIR) {
    const socket = join(env.XDG_RUNTIME_DIR, 'bus')
    if (existsSync(socket)) return {address: `unix:path=${socket}`}
  }
  return {reason: 'no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set and there is no $XDG_RUNTIME_DIR/bus'}
}

/**
 * The socket a client connects to for `address`, in node:net's form (a leading NUL names an
 * abstract socket). Only the unix transport is used by session buses in practice.
 */
export function socketOf(address: string, env: Env = {}): string | undefined {
  for (const entry of address.split(';')) {
    const colon = entry.indexOf(':')
    if (colon < 0 || entry.slice(0, colon) !== 'unix') continue
    const params = new Map<string, string>()
    for (const pair of entry.slice(colon + 1).split(',')) {
      const eq = pair.indexOf('=')
      if (eq > 0) params.set(pair.slice(0, eq), unescapeValue(pair.slice(eq + 1)))
    }
    const path = params.get('path')
    if (path !== undefined) return path
    const abstract = params.get('abstract')
    if (abstract !== undefined) return `\0${abstract}`
    if (params.get('runtime') === 'yes' && env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'bus')
  }
  return undefined
}

// D-Bus addresses percent-escape every byte outside a small safe set.
function unescapeValue(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
