// Runs in a worker thread, so that the test can stop it when it hangs: fast-check over the INI
// parser, profile resolution and the config writer. Anything but a VaultError is a failure.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parentPort, workerData} from 'node:worker_threads'

import fc from 'fast-check'

import {addProfile, loadConfigFile, minTtlSeconds, parseConfig, PROFILE_KEYS, resolveProfile} from '../../../src/lib/config/index.ts'
import {VaultError} from '../../../src/lib/errors.ts'

export interface FuzzRequest {
  seed: number
  runs: number
}

/** What the worker is doing, so a hang can be named. */
export interface FuzzProgress {
  progress: string
}

function progress(label: string): void {
  parentPort?.postMessage({progress: label} satisfies FuzzProgress)
}

export interface FuzzReport {
  /** Cases run, by property. */
  cases: Record<string, number>
  failures: string[]
}

const NAMES = ['a', 'b', 'c', 'default', 'work', 'x y', 'ünï', '', ' ', '[', ']', '=', 'profile', 'sso-session']
const KEYS = [...PROFILE_KEYS, 'sso_registration_scopes', 'output', 's3', 'Region', 'MFA_SERIAL', 'aws_secret_access_key']
const ENV_NAMES = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_STS_REGIONAL_ENDPOINTS',
  'AWS_MFA_SERIAL',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
  'AWS_SOURCE_IDENTITY',
  'AWS_SESSION_TAGS',
  'AWS_TRANSITIVE_TAGS',
  'AWS_ASSUME_ROLE_TTL',
  'AWS_SESSION_TOKEN_TTL',
  'AWS_CHAINED_SESSION_TOKEN_TTL',
  'AWS_FEDERATION_TOKEN_TTL',
  'AWS_MIN_TTL',
]

const text = fc.oneof(
  fc.string(),
  fc.string({unit: 'binary', maxLength: 40}),
  fc.constantFrom('"', "'", '`', '"""', '\\', '#', ';', '=', ':', '[', ']', '\r', '\n', '\t', ' ', '\uFEFF', '\0'),
)
const name = fc.oneof({weight: 4, arbitrary: fc.constantFrom(...NAMES)}, {weight: 1, arbitrary: text})
const duration = fc.oneof(
  fc.constantFrom('1h', '90m', '3600s', '1h30m', '1.5h', '-5m', '0', '', '3600', '1e9h', '9223372037s', 'µs', '.h', '1..2h', '1hh'),
  fc.integer().map(String),
  text,
)
const tags = fc.oneof(
  fc.array(fc.tuple(text, text)).map((pairs) => pairs.map(([key, value]) => `${key}=${value}`).join(',')),
  text,
)
const value = (key: string) => {
  if (key === 'include_profile' || key === 'source_profile' || key === 'sso_session') return name
  if (key === 'duration_seconds')
    return fc.oneof(fc.nat().map(String), fc.integer().map(String), fc.constantFrom('0', '00', '1e3', '99999999999999999999'), text)
  if (key === 'session_tags') return tags
  return text
}
const setting = fc.constantFrom(...KEYS).chain((key) =>
  fc.tuple(fc.constant(key), value(key), fc.constantFrom(' = ', '=', ': ', ' =', '\t=\t', ' = """', ' = `', ' = "')).map(([k, v, sep]) => {
    const quoted = sep.endsWith('"""') ? `${v}"""` : sep.endsWith('`') ? `${v}\`` : sep.endsWith('"') ? `${v}"` : v
    return `${k}${sep}${quoted}`
  }),
)
const header = fc.oneof(
  name.map((profile) => (profile === 'default' ? '[default]' : `[profile ${profile}]`)),
  name.map((session) => `[sso-session ${session}]`),
  text.map((raw) => `[${raw}]`),
  fc.constantFrom('[', '[]', '[profile]', '[profile ]', '[default', '[[profile a]]'),
)
const line = fc.oneof(
  {weight: 6, arbitrary: setting},
  {weight: 2, arbitrary: header},
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      '# comment',
      '; comment',
      '  indented = sub',
      '\ttab = sub',
      'continued = a\\',
      '"""',
      'novalue',
      '=',
      ': x',
    ),
  },
  {weight: 1, arbitrary: text},
)
const configText = fc
  .tuple(fc.array(fc.tuple(header, fc.array(line, {maxLength: 8})), {maxLength: 10}), fc.constantFrom('\n', '\r\n'), fc.boolean())
  .map(([sections, eol, bom]) => (bom ? '\uFEFF' : '') + sections.map(([head, lines]) => [head, ...lines].join(eol)).join(eol))
const garbage = fc.oneof(
  fc.string({unit: 'binary'}),
  fc.string({unit: 'grapheme-composite'}),
  fc.uint8Array({maxLength: 2000}).map((bytes) => Buffer.from(bytes).toString('utf8')),
  fc.uint8Array({maxLength: 2000}).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc
    .tuple(configText, fc.nat(), fc.string({unit: 'binary'}))
    .map(([config, at, noise]) => config.slice(0, at % (config.length + 1)) + noise + config.slice(at % (config.length + 1))),
)
const env = fc.dictionary(fc.constantFrom(...ENV_NAMES), fc.oneof(duration, tags, text), {maxKeys: 6})
const seconds = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60))
const flags = fc.record(
  {
    assumeRoleDuration: fc.option(seconds, {nil: undefined}),
    nonChainedGetSessionTokenDuration: fc.option(seconds, {nil: undefined}),
    region: fc.option(text, {nil: undefined}),
  },
  {requiredKeys: []},
)

/** Parses and resolves every profile (and a few names that are not there): only VaultErrors may come out. */
function parseAndResolve(
  config: string,
  environment: Record<string, string>,
  asked: string[],
  profileFlags: object,
  requireSection: boolean,
): void {
  let file
  try {
    file = parseConfig(config, '/fuzz/config')
  } catch (error) {
    expectVaultError(error, ['CONFIG_INVALID'])
    return
  }
  file.ssoSessionNames()
  // vault resolves one profile per command; a few hundred of a huge file are plenty.
  for (const profile of [...file.profileNames().slice(0, 200), ...asked]) {
    try {
      const resolved = resolveProfile(file, profile, {env: environment, flags: profileFlags, requireSection})
      JSON.stringify(resolved)
    } catch (error) {
      expectVaultError(error, ['CONFIG_INVALID', 'PROFILE_LOOP', 'PROFILE_NOT_FOUND', 'USAGE'])
    }
  }
  try {
    minTtlSeconds(environment)
  } catch (error) {
    expectVaultError(error, ['CONFIG_INVALID'])
  }
}

function expectVaultError(error: unknown, codes: string[]): void {
  if (error instanceof VaultError && codes.includes(error.code)) return
  throw new Error(
    `not a clean VaultError (${codes.join('/')}): ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
  )
}

/** Configs no property would make: huge, deep, or pathological for a line scanner. */
function hugeCases(): Array<[string, string]> {
  const chain = (key: string, length: number) =>
    Array.from({length}, (_, index) => `[profile p${index}]\n${key} = p${index + 1}\n`).join('') +
    `[profile p${length}]\nregion = eu-west-1\n`
  const loop = (key: string, length: number) =>
    Array.from({length}, (_, index) => `[profile p${index}]\n${key} = p${(index + 1) % length}\n`).join('')
  return [
    ['one 10 MB line', 'x'.repeat(10 * 1024 * 1024)],
    ['10 MB of "["', '['.repeat(10 * 1024 * 1024)],
    ['a 10 MB value', `[profile p0]\nregion = ${'y'.repeat(10 * 1024 * 1024)}\n`],
    ['100 000 sections', Array.from({length: 100_000}, (_, index) => `[profile p${index}]\nregion = eu-west-${index % 3}\n`).join('')],
    [
      '100 000 settings in one section',
      `[profile p0]\n${Array.from({length: 100_000}, (_, index) => `key${index} = ${index}\n`).join('')}`,
    ],
    ['a source_profile chain of 10 000 profiles', chain('source_profile', 10_000)],
    ['a source_profile chain of 100 000 profiles', chain('source_profile', 100_000)],
    ['an include_profile chain of 100 000 profiles', chain('include_profile', 100_000)],
    ['a source_profile loop of 50 000 profiles', loop('source_profile', 50_000)],
    ['an include_profile loop of 50 000 profiles', loop('include_profile', 50_000)],
    ['a value continued over 200 000 lines', `[profile p0]\nregion = a\\\n${'b\\\n'.repeat(200_000)}c\n`],
    ['an unclosed """ over 200 000 lines', `[profile p0]\nregion = """a\n${'b\n'.repeat(200_000)}`],
    ['200 000 indented sub-section lines', `[profile p0]\ns3 =\n${'  max_concurrent_requests = 10\n'.repeat(200_000)}`],
    ['1 MB of NUL bytes', '\0'.repeat(1024 * 1024)],
  ]
}

async function run(request: FuzzRequest): Promise<FuzzReport> {
  const report: FuzzReport = {cases: {}, failures: []}
  const record = <T>(label: string, result: fc.RunDetails<T>) => {
    report.cases[label] = result.numRuns
    if (result.failed) {
      report.failures.push(
        `${label} (seed ${request.seed}, path ${result.counterexamplePath}): ${String(result.errorInstance)}\ncounterexample: ${JSON.stringify(result.counterexample).slice(0, 2000)}`,
      )
    }
  }
  const options = {endOnFailure: true, numRuns: request.runs, seed: request.seed}

  progress('structured configs')
  record(
    'structured configs',
    fc.check(
      fc.property(
        configText,
        env,
        fc.array(name, {maxLength: 3}),
        flags,
        fc.boolean(),
        (config, environment, asked, profileFlags, requireSection) => {
          parseAndResolve(config, environment, asked, profileFlags, requireSection)
        },
      ),
      options,
    ),
  )

  progress('garbage')
  record(
    'garbage',
    fc.check(
      fc.property(garbage, env, (config, environment) => {
        parseAndResolve(config, environment, ['default', 'a'], {}, false)
      }),
      options,
    ),
  )

  // What `vault add` writes reads back as written, or is refused with a VaultError and the file left alone.
  const dir = mkdtempSync(join(tmpdir(), 'vault-fuzz-config-'))
  try {
    let index = 0
    const keys = fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), text), text, {maxKeys: 3})
    progress('config writer')
    record(
      'config writer',
      await fc.check(
        fc.asyncProperty(fc.oneof(configText, fc.constant('')), name, keys, async (existing, profile, settings) => {
          const path = join(dir, `config-${index++}`)
          writeFileSync(path, existing)
          let added: boolean
          try {
            added = await addProfile(path, profile, settings)
          } catch (error) {
            expectVaultError(error, ['CONFIG_INVALID', 'USAGE'])
            if (readFileSync(path, 'utf8') !== existing) throw new Error('a refused write changed the file')
            return
          }
          const reread = parseConfig(readFileSync(path, 'utf8'), path)
          if (!reread.hasProfile(profile)) throw new Error(`profile ${JSON.stringify(profile)} is not in the file after it was added`)
          if (!readFileSync(path, 'utf8').startsWith(existing)) throw new Error('the existing text was changed')
          if (added) {
            for (const [key, written] of Object.entries(settings)) {
              const read = reread.section(profile)?.get(key)
              if (read !== written) throw new Error(`${key} reads back as ${JSON.stringify(read)}, not ${JSON.stringify(written)}`)
            }
          }
        }),
        {...options, numRuns: Math.max(50, Math.floor(request.runs / 10))},
      ),
    )

    // A config that is a directory, or a file of binary noise.
    const binary = join(dir, 'binary')
    writeFileSync(binary, Buffer.from(Array.from({length: 65536}, (_, byte) => byte % 256)))
    for (const path of [dir, binary]) {
      try {
        parseAndResolve('', {}, [], {}, false)
        const file = await loadConfigFile({AWS_CONFIG_FILE: path}, '/nonexistent')
        for (const profile of file.profileNames()) resolveProfile(file, profile, {env: {}})
      } catch (error) {
        try {
          expectVaultError(error, ['CONFIG_INVALID', 'PROFILE_LOOP'])
        } catch (failure) {
          report.failures.push(`config file ${path}: ${(failure as Error).message}`)
        }
      }
    }
  } finally {
    rmSync(dir, {force: true, recursive: true})
  }

  let huge = 0
  for (const [label, config] of hugeCases()) {
    progress(label)
    try {
      parseAndResolve(config, {}, ['p0', 'p1'], {}, false)
    } catch (error) {
      report.failures.push(`${label}: ${(error as Error).message}`)
    }
    huge++
  }
  report.cases['huge or deep files'] = huge + 2
  return report
}

if (parentPort && workerData) parentPort.postMessage(await run(workerData as FuzzRequest))
