// What vault prints about a failure is redacted: secret keys and session tokens in every shape a
// message may quote them (bare, key=value, JSON, environment lines, URL-encoded), wherever they
// stand, and in linear time, so a message of megabytes is cut to a printable size, never a crash.
import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {join} from 'node:path'
import fc from 'fast-check'

import {boundText, REDACTED, redactSecrets, safeToPrint} from '../../src/lib/output/redact.ts'
import {vaultBin} from '../helpers/cli.ts'
import {startEmulator, type Emulator} from '../helpers/emulator.ts'
import {leaks, newSecretKey, registerSecret, secretsIn} from './support/transcript.ts'
import {World} from './support/world.ts'

const PLUGIN = join(import.meta.dirname, 'fixtures', 'vault-security-broken-plugin')
const RUNS = Math.max(100, Math.floor(Number(process.env.VAULT_FUZZ_RUNS ?? 2000) / 4))

// Random bytes from a number, so fast-check's bias towards small values cannot make a key of one letter.
function randomBase64(seed: number, length: number): string {
  let text = ''
  for (let block = 0; text.length < length; block++) text += createHash('sha512').update(`${seed}:${block}`).digest('base64')
  return text.replace(/=/g, '').slice(0, length)
}

const secretKey = fc.nat().map((seed) => randomBase64(seed, 40))
const sessionToken = fc
  .tuple(fc.nat(), fc.integer({max: 1200, min: 100}), fc.constantFrom('', '=', '=='))
  .map(([seed, length, padding]) => `${randomBase64(seed, length)}${padding}`)
const secret = fc.oneof(secretKey, sessionToken)

// How a message may quote a secret; `$` is the secret, `@` its URL-encoded form.
const shapes = [
  '$',
  'aws_secret_access_key=$',
  'aws_secret_access_key = $',
  'aws_session_token=$',
  'AWS_SECRET_ACCESS_KEY=$',
  'AWS_SESSION_TOKEN=$',
  'export AWS_SESSION_TOKEN=$',
  '"SecretAccessKey":"$"',
  '"SecretAccessKey": "$"',
  '{"AccessKeyId":"AKIAIOSFODNN7EXAMPLE","SecretAccessKey":"$","SessionToken":"$"}',
  '\\"SessionToken\\":\\"$\\"',
  "'secret_access_key': '$'",
  'SecretAccessKey: $',
  '<SessionToken>$</SessionToken>',
  'x-amz-security-token: $',
  'Session=%7B%22sessionId%22%3A%22ASIA%22%2C%22sessionKey%22%3A%22@%22%2C%22sessionToken%22%3A%22@%22%7D',
  'aws_secret_access_key%3D@',
  'SecretAccessKey%22%3A%22@%22',
  '?token=@&x=1',
  '@',
]
const shape = fc.constantFrom(...shapes)
// Text around a quote: words, punctuation, spaces and line breaks, ending and starting anywhere.
const surrounding = fc.string({
  maxLength: 40,
  unit: fc.constantFrom('a', 'Z', '9', ' ', '\n', '\t', ':', ',', '.', '(', ')', '[', '"', "'", '-', '_', 'é'),
})
const boundary = fc.constantFrom(' ', '\n', '\t', ',', ';', '(', ')', '"', "'", '[', ']', '<', '>', '|', '!', '')

/** Every 16 characters of the secret, and of its URL-encoded form: none may survive. */
function fragmentsOf(value: string): string[] {
  const fragments: string[] = []
  for (const form of [value, encodeURIComponent(value)]) {
    for (let at = 0; at + 16 <= form.length; at += 8) fragments.push(form.slice(at, at + 16))
  }
  return fragments
}

function quote(template: string, value: string): string {
  return template.replaceAll('$', value).replaceAll('@', encodeURIComponent(value))
}

describe('redaction of what vault prints', function () {
  this.timeout(120_000)

  it('secret keys and session tokens are redacted in every shape and position: bare, key=value, key = value, JSON, environment lines, URL-encoded', function () {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(surrounding, boundary, shape, secret, boundary), {maxLength: 4, minLength: 1}),
        surrounding,
        (quotes, tail) => {
          // A word must not run into the quote: a 40-character key with letters glued on is no longer key-shaped.
          const text =
            quotes
              .map(([before, open, template, value, close]) => `${before}${open || ' '}${quote(template, value)}${close || ' '}`)
              .join('') + tail
          const redacted = redactSecrets(text, {})
          for (const [, , , value] of quotes) {
            for (const fragment of fragmentsOf(value))
              expect(redacted, `${JSON.stringify(text)} → ${JSON.stringify(redacted)}`).not.to.include(fragment)
          }
          expect(redacted).to.include(REDACTED)
        },
      ),
      {numRuns: RUNS},
    )
  })

  it('ordinary text is left as it is: sentences, paths, long names of one kind of character, session item names and access key ids', function () {
    for (const text of [
      'GetSessionToken failed: the MFA code for arn:aws:iam::123456789012:mfa/alice was refused',
      'the session token expired: run vault clear work',
      `cannot write /tmp/vault/keys/${'p'.repeat(300)}: ENAMETOOLONG`,
      `profile ${'a-very-long-name-'.repeat(12)} has no region`,
      'sts.GetSessionToken,d29yaw,,1700000000',
      'AKIAIOSFODNN7EXAMPLE ASIAY34FZKBOKMUTVV7A',
      'reusing the cached sts.AssumeRole session of admin, 3599s left',
    ]) {
      expect(redactSecrets(text, {})).to.equal(text)
    }
  })

  it('huge texts (tens of megabytes, one run or many lines) are redacted in one pass and cut to a printable size, never a crash', function () {
    const key = newSecretKey()
    const huge = [
      'a'.repeat(20_000_000),
      `region=${'aB1/'.repeat(3_000_000)}`,
      `${'x '.repeat(5_000_000)}aws_secret_access_key=${key}`,
      'token='.repeat(2_000_000),
      '%2F'.repeat(4_000_000),
      `${`line ${key}\n`.repeat(300_000)}`,
      `{"SecretAccessKey":"${key}","Message":"${'\\"'.repeat(3_000_000)}"}`,
    ]
    for (const text of huge) {
      const shown = safeToPrint(text, {})
      expect(shown.length, text.slice(0, 40)).to.be.below(20_000)
      expect(secretsIn(shown)).to.deep.equal([])
    }
    expect(boundText(`short\n${'b'.repeat(5000)}`)).to.match(/^short\nb{2000}… \(3000 more characters\)$/)
  })

  describe('vault itself (built binary)', function () {
    let world: World
    let aws: Emulator

    before(async function () {
      aws = await startEmulator({users: [{name: 'carol'}]})
      registerSecret('long-term secret key', aws.credentials('carol').secretAccessKey)
      world = new World()
      world.extraEnv.AWS_ENDPOINT_URL = aws.url
      world.writeConfig('[profile work]\n[profile plugged]\n[profile carol]\nregion = eu-west-1\n')
      await world.addKey('work')
      const carol = aws.credentials('carol')
      await world.addKey('carol', carol.accessKeyId, carol.secretAccessKey)
      execFileSync(process.execPath, [vaultBin, 'plugins', 'link', '--no-install', PLUGIN], {
        cwd: world.home,
        env: world.env(),
        stdio: 'pipe',
      })
    })

    after(async function () {
      world?.cleanup()
      await aws?.stop()
    })

    it('a plugin message quoting a secret as key=value, JSON, an environment line or URL-encoded: none of it printed, in text, --debug and --json', async function () {
      const templates = [
        'aws_secret_access_key={}',
        'aws_secret_access_key = {}',
        '{"SecretAccessKey":"{}"}',
        'AWS_SESSION_TOKEN={}',
        'aws_session_token%3D{}',
      ]
      for (const template of templates) {
        for (const value of [newSecretKey(), registerSecret('session token', `IQo${newSecretKey()}${newSecretKey()}${newSecretKey()}`)]) {
          const fixtureValue = template.includes('%3D') ? encodeURIComponent(value) : value
          for (const extra of [[], ['--debug'], ['--json']]) {
            // A credential source's failure in text and --debug; a backend's in the --json envelope.
            const json = extra[0] === '--json'
            const args = json ? ['list', '--backend', 'echo', '--json'] : ['exec', 'plugged', '--no-session', ...extra, '--', 'true']
            const mode = json ? 'open-quotes' : 'source-quotes'
            const result = await world.run(args, {env: {FIXTURE_MODE: mode, FIXTURE_TEMPLATE: template, FIXTURE_VALUE: fixtureValue}})
            expect(result.code, `${template} ${extra.join(' ')}: ${result.stderr}`).to.equal(1)
            expect(secretsIn(result.stderr + result.stdout), `${template} ${extra.join(' ')}`).to.deep.equal([])
            expect(result.stderr + result.stdout).not.to.include(fixtureValue.slice(4, 24))
            if (extra.length === 0) expect(result.stderr).to.match(/^vault: .*\[redacted\]/)
          }
        }
      }
    })

    it('a 20 MB error message from a plugin or from STS: one bounded line, exit 1, no crash or stack trace', async function () {
      const plugin = await world.run(['exec', 'plugged', '--no-session', '--', 'true'], {
        env: {FIXTURE_MODE: 'source-huge', FIXTURE_REPEAT: '2000000', FIXTURE_TEMPLATE: 'no luck! '},
      })
      expect(plugin.code, plugin.stderr.slice(0, 500)).to.equal(1)
      expect(plugin.stderr).to.match(/^vault: credential source "broken-source" failed for profile "plugged": failed: no luck! /)
      expect(plugin.stderr.length).to.be.below(20_000)
      expect(plugin.stderr).not.to.match(/RangeError|\n\s+at /)

      aws.fail('GetSessionToken', {code: 'ValidationError', message: `bad ${'aws_secret_access_key=x '.repeat(900_000)}`, status: 400}, 1)
      const sts = await world.run(['exec', 'carol', '--', 'true'])
      aws.clearFaults()
      expect(sts.code, sts.stderr.slice(0, 500)).to.equal(1)
      expect(sts.stderr).to.match(/^vault: GetSessionToken failed: bad /)
      expect(sts.stderr.length).to.be.below(20_000)
      expect(sts.stderr).not.to.match(/RangeError|\n\s+at /)
    })

    it('a 10 MB config value: one bounded line naming the problem, exit non-zero, no crash', async function () {
      world.writeConfig(`[profile work]\nregion = ${'a'.repeat(10_000_000)}\n`)
      try {
        for (const args of [
          ['exec', 'work', '--no-session', '--', 'true'],
          ['exec', 'work', '--', 'true'],
          ['export', 'work', '--no-session'],
        ]) {
          const result = await world.run(args, {credentialsOnStdout: true})
          expect(result.code, `${args.join(' ')}: ${result.stderr.slice(0, 500)}`).to.be.oneOf([1, 78])
          expect(result.stderr, args.join(' ')).to.match(/^vault: .*(too large|not a region|Region)/)
          expect(result.stderr.length, args.join(' ')).to.be.below(20_000)
          expect(result.stdout).to.equal('')
        }
      } finally {
        world.writeConfig('[profile work]\n[profile plugged]\n[profile carol]\nregion = eu-west-1\n')
      }
    })

    it('everything vault printed in this file holds none of the test secrets', function () {
      expect(leaks().join('\n')).to.equal('')
    })
  })
})
