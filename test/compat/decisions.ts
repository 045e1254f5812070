// The chain a profile gets, as decision lines in aws-vault's --debug wording, from either binary:
// aws-vault prints them while it builds its providers (before any network call); vault's
// `describe --json` plans the same chain without calling AWS.

const decisionPattern = /profile (\S+): ((?:using |skipping GetSessionToken because |sourcing credentials from profile ).*?)\s*$/
const missingPattern = /profile (\S+): credentials missing/

/** Go prints durations as 1h0m0s; vault's notes give seconds. Both become seconds here. */
function goDurationSeconds(text: string): string {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text)
  if (!match || text === '') return text
  const [, h = '0', m = '0', s = '0'] = match
  return `${Number(h) * 3600 + Number(m) * 60 + Number(s)}s`
}

function normalize(line: string): string {
  return line
    .replace(/ \(--no-session\)$/, '')
    .replace(
      /duration (\S+) in profile '([^']*)' is greater than the AWS maximum (\S+)/,
      (_all, duration: string, profile: string, max: string) => {
        return `duration ${goDurationSeconds(duration)} in profile '${profile}' is greater than the AWS maximum ${goDurationSeconds(max)}`
      },
    )
}

export function awsVaultDecisions(stderr: string): string[] {
  const lines: string[] = []
  for (const raw of stderr.split('\n')) {
    const decision = decisionPattern.exec(raw)
    if (decision) lines.push(normalize(`profile ${decision[1]}: ${decision[2]}`))
    const missing = missingPattern.exec(raw)
    if (missing && raw.includes('error')) lines.push(`profile ${missing[1]}: credentials missing`)
  }
  return lines.sort()
}

interface DescribedStep {
  action: string
  profile: string
  source?: string
  mfa?: 'code' | 'chained' | 'none'
}

interface DescribeJson {
  code?: string
  message?: string
  result?: {chain: DescribedStep[]; notes: string[]}
}

const sourceWording: Record<string, string> = {
  'credential-process': 'using credential process',
  sso: 'using SSO role credentials',
  'web-identity': 'using web identity',
}

function mfaWording(step: DescribedStep): string {
  if (step.mfa === 'code') return ' (with MFA)'
  if (step.mfa === 'chained') return ' (chained MFA)'
  return ''
}

export function vaultDecisions(stdout: string): string[] {
  let parsed: DescribeJson
  try {
    parsed = JSON.parse(stdout) as DescribeJson
  } catch {
    return [`unreadable describe output: ${stdout.slice(0, 200)}`]
  }
  if (!parsed.result) {
    const missing = /no credentials stored for profile "([^"]+)"/.exec(parsed.message ?? '')
    return missing ? [`profile ${missing[1]}: credentials missing`] : [`error ${parsed.code}: ${parsed.message}`]
  }
  const missing = parsed.result.chain.some((step) => step.action === 'missing')
  // aws-vault stops at the missing keys, before any GetSessionToken decision: only its way down is printed.
  const notes = parsed.result.notes.filter((note) => decisionPattern.test(note) && !(missing && note.includes('skipping GetSessionToken')))
  const lines = notes.map(normalize)
  for (const step of parsed.result.chain) {
    const at = `profile ${step.profile}: `
    if (step.action === 'missing') {
      // aws-vault stops at the first missing keys; what would come above them is never decided.
      lines.push(`${at}credentials missing`)
      break
    }
    if (step.action === 'stored_credentials') lines.push(`${at}using stored credentials`)
    else if (step.action === 'source') lines.push(`${at}${sourceWording[step.source ?? ''] ?? `using the ${step.source} source`}`)
    else if (step.action === 'GetSessionToken') lines.push(`${at}using GetSessionToken${mfaWording(step)}`)
    else if (step.action === 'AssumeRole') lines.push(`${at}using AssumeRole${mfaWording(step)}`)
  }
  return lines.sort()
}
