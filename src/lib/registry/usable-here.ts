import type {Availability} from '../plugin-api/index.ts'

/**
 * Whether a plugin's component (a backend, a prompt driver) can be used here. A check that throws
 * is a plugin's fault, not the user's: it reads as "not usable" with the error as the reason, so one
 * broken plugin never stops vault from choosing or listing the others.
 */
export async function usableHere<Context>(
  component: {isAvailable(ctx: Context): Availability | Promise<Availability>},
  ctx: Context,
): Promise<Availability> {
  try {
    return await component.isAvailable(ctx)
  } catch (error) {
    return {available: false, reason: error instanceof Error ? error.message : String(error)}
  }
}
