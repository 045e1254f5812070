import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {fakeAccessKey, repoRoot, Sandbox, vaultBin} from '../helpers/cli.ts'
import {hasTmux, shellQuote, TmuxSession} from '../helpers/tmux.ts'

// Command lines as aws-vault users type them: global flags before the command, kingpin's
// negations, help in every form, mistyped commands, and output into a pipe that closes early.
describe('aws-vault command lines (built binary)', function () {
  this.timeout(60_000)
  let sandbox: Sandbox
  const key = fakeAccessKey()

  before(async () => {
    sandbox = new Sandbox()
    sandbox.writeConfig('[profile work]\nregion = eu-central-1\n\n[profile other]\n')
    await sandbox.addKey('work', key.accessKeyId, key.secretAccessKey)
  })

  after(() => sandbox.cleanup())

  describe('global flags before the command', () => {
    it('runs `--debug --backend=file exec work -- …`, with the flags applied', async () => {
      const result = await sandbox.run(
        ['--debug', '--backend=file', 'exec', 'work', '--no-session', '--', 'sh', '-c', 'echo $AWS_ACCESS_KEY_ID'],
        {
          env: {AWS_VAULT_BACKEND: undefined},
        },
      )
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout).to.equal(`${key.accessKeyId}\n`)
      expect(result.stderr).to.match(/debug: using backend "file"/)
    })

    it('takes `--flag value` as well as `--flag=value`, for every backend setting', async () => {
      // Another directory: an empty store, so nothing is listed.
      const emptyDir = join(sandbox.home, 'elsewhere')
      for (const form of [['--file-dir', emptyDir], [`--file-dir=${emptyDir}`]]) {
        const result = await sandbox.run(['--backend', 'file', ...form, 'list', '--credentials'])
        expect(result.code, result.stderr).to.equal(0)
        expect(result.stdout).to.equal('')
      }
      const stored = await sandbox.run(['--backend', 'file', '--file-dir', sandbox.keysDir, 'list', '--credentials'])
      expect(stored.stdout).to.equal('work\n')
      const settings = [
        '--prompt',
        'terminal',
        '--pass-dir',
        '/nowhere',
        '--pass-cmd',
        'pass',
        '--pass-prefix',
        'aws',
        '--keychain',
        'login',
        '--secret-service-collection',
        'awsvault',
      ]
      const all = await sandbox.run([...settings, 'list', '--credentials'])
      expect(all.code, all.stderr).to.equal(0)
      expect(all.stdout).to.equal('work\n')
    })

    it('names an unknown leading flag as the command would', async () => {
      const result = await sandbox.run(['--bogus', 'list'])
      expect(result.code).to.equal(2)
      expect(result.stderr.split('\n')[0]).to.equal('vault: Nonexistent flag: --bogus')
      expect(result.stderr).to.include('`vault list --help`')
    })

    it("accepts kingpin's negations: --no-debug, list --no-profiles", async () => {
      const result = await sandbox.run(['--no-debug', 'list', '--no-profiles', '--sessions'])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stderr).to.equal('')
      const table = await sandbox.run(['list', '--no-profiles'])
      expect(table.stdout).to.match(/^Profile +Credentials +Sessions *\n/)
    })

    it('runs the examples of the project’s own help and plugin guide', async () => {
      const text = [readFileSync(join(repoRoot, 'docs', 'plugins.md'), 'utf8'), (await sandbox.run(['import', '--help'])).stdout].join('\n')
      // Every `vault --flag … <command>` line they show parses (a help run stops before any work).
      const lines = [...text.matchAll(/(?:^|\s|`)vault((?: --?[\w-]+(?:[= ][^\s`-][^\s`]*)?)+) ([a-z]+)/gm)]
      expect(lines.length).to.be.greaterThan(0)
      for (const [, flags, command] of lines) {
        const argv = [...(flags as string).trim().split(/\s+/), command as string, '--help']
        const result = await sandbox.run(argv)
        expect(result.code, `${argv.join(' ')}: ${result.stderr}`).to.equal(0)
      }
    })
  })

  describe('help as people type it', () => {
    const commands = JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')).commands as Record<string, {hidden?: boolean}>
    const visible = Object.entries(commands)
      .filter(([, command]) => !command.hidden)
      .map(([id]) => id.replaceAll(':', ' '))

    it('`vault help` and `vault help exec` print the help', async () => {
      const root = await sandbox.run(['help'])
      expect(root.code, root.stderr).to.equal(0)
      expect(root.stdout).to.match(/COMMANDS\n/)
      expect(root.stdout).to.match(/\n {2}exec +Run a command/)
      const exec = await sandbox.run(['help', 'exec'])
      expect(exec.code).to.equal(0)
      expect(exec.stdout).to.match(/^Run a command with AWS credentials/)
    })

    it('-h works on every command', async function () {
      this.timeout(300_000) // one run per command, a few at a time
      expect(visible).to.include.members(['add', 'exec', 'export', 'list', 'login', 'remove', 'rotate', 'clear'])
      for (let start = 0; start < visible.length; start += 3) {
        await Promise.all(
          visible.slice(start, start + 3).map(async (id) => {
            const result = await sandbox.run([...id.split(' '), '-h'], {timeoutMs: 120_000})
            expect(result.code, `${id} -h: ${result.stderr}`).to.equal(0)
            expect(result.stdout, `${id} -h`).to.include('USAGE')
          }),
        )
      }
    })

    it("aws-vault's --help-long prints every command's help; --help-man a manual page man reads", async () => {
      const long = await sandbox.run(['--help-long'])
      expect(long.code, long.stderr).to.equal(0)
      for (const id of ['add', 'exec', 'export', 'list', 'login', 'remove', 'rotate', 'clear']) {
        expect(long.stdout).to.include(`$ vault ${id} `)
      }
      expect(long.stdout).to.include('--[no-]sessions-only')
      const man = await sandbox.run(['--help-man'])
      expect(man.code, man.stderr).to.equal(0)
      expect(man.stdout).to.match(/^\.TH VAULT 1 /)
      expect(man.stdout).to.include('\\fBexec\\fR [\\fIflags\\fR] [\\fIprofile\\fR]')
      // Every line that starts with a dot is one of the requests the page uses, never text read as one.
      const requests = man.stdout.split('\n').filter((line) => line.startsWith('.'))
      for (const line of requests) expect(line, line).to.match(/^\.(TH|SH|SS|PP|TP|RS|RE)( |$)/)
    })

    it('lists the backend settings, grouped, in --help', async () => {
      const result = await sandbox.run(['exec', '--help'])
      const group = result.stdout.split('BACKEND FLAGS\n')[1]?.split('\n\n')[0] ?? ''
      for (const flag of ['--file-dir', '--keychain', '--pass-cmd', '--pass-dir', '--pass-prefix', '--secret-service-collection']) {
        expect(group, flag).to.include(flag)
      }
    })

    it('a usage error names the command to ask for help, never a <command> placeholder', async () => {
      const result = await sandbox.run(['export', 'work', '--nope'])
      expect(result.code).to.equal(2)
      expect(result.stderr).to.include('see `vault export --help`')
      expect(result.stderr).not.to.include('<command>')
    })

    it('`vault exec work sh -c …` suggests `--` with the line to type', async () => {
      const result = await sandbox.run(['exec', 'work', 'sh', '-c', 'echo hi'])
      expect(result.code).to.equal(2)
      expect(result.stderr).to.equal(
        "vault: Nonexistent flag: -c\nTry this: put `--` before the command to run: vault exec work -- sh -c 'echo hi'\n",
      )
    })

    it('a mistyped command, with no terminal to ask on: one line naming it as typed and the command meant, exit 127', async () => {
      const help = '(`vault help` lists the commands)'
      for (const [typed, line] of [
        [['lst'], `vault: lst is not a vault command; did you mean "vault list"? ${help}`],
        [['lst', '--profiles'], `vault: lst is not a vault command; did you mean "vault list"? ${help}`],
        [['exce', 'work', '--json'], `vault: exce work is not a vault command; did you mean "vault exec work"? ${help}`],
        [['plugins', 'instal', 'x'], `vault: plugins instal x is not a vault command; did you mean "vault plugins install x"? ${help}`],
        [['frobnicate'], `vault: frobnicate is not a vault command ${help}`],
      ] as const) {
        const result = await sandbox.run([...typed])
        expect(result.code, typed.join(' ')).to.equal(127)
        expect(result.stderr, typed.join(' ')).to.equal(`${line}\n`)
        expect(result.stdout, typed.join(' ')).to.equal('')
      }
    })

    it('on a terminal, a mistyped command asks "did you mean" and runs the answer', async function () {
      if (!hasTmux()) this.skip() // tmux is installed by .ci/run; a machine without it cannot run a pty here
      const tty = new TmuxSession(`${shellQuote(process.execPath)} ${shellQuote(vaultBin)} lst --profiles`, sandbox.env())
      try {
        await tty.waitFor(/Did you mean "vault list"\? \(Y\/n\)/)
        expect(tty.screen()).to.include('vault: lst is not a vault command.')
        tty.press('Enter')
        const screen = await tty.waitFor(/EXIT=\d+/)
        expect(screen).to.match(/\nwork\nother\n/)
        expect(screen).to.include('EXIT=0')
      } finally {
        tty.close()
      }
    })

    it('on a terminal with stderr in a pipe (vault lst 2>&1 | cat), asks nothing: the one line, exit 127', async function () {
      if (!hasTmux()) this.skip() // tmux is installed by .ci/run; a machine without it cannot run a pty here
      const script = join(sandbox.home, 'piped.sh')
      writeFileSync(script, `{ ${shellQuote(process.execPath)} ${shellQuote(vaultBin)} lst 2>&1; echo "VAULT=$?"; } | cat\n`)
      const tty = new TmuxSession(`sh ${shellQuote(script)}`, sandbox.env())
      try {
        const screen = await tty.waitFor(/EXIT=\d+/)
        expect(screen).to.include(
          'vault: lst is not a vault command; did you mean "vault list"? (`vault help` lists the commands)\nVAULT=127\n',
        )
        expect(screen).to.not.include('(Y/n)')
      } finally {
        tty.close()
      }
    })
  })

  describe('a pipe closed by its reader', () => {
    // The reader is gone before vault starts: every write vault makes meets EPIPE, on every run.
    function runIntoClosedPipe(args: string[]): Promise<{code: number | null; stderr: string}> {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [vaultBin, ...args], {
          cwd: sandbox.home,
          env: sandbox.env(),
          stdio: ['ignore', 'pipe', 'pipe'],
        })
        child.stdout.destroy()
        let stderr = ''
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
        child.on('error', reject)
        child.on('close', (code) => resolve({code, stderr}))
      })
    }

    for (const args of [['list', '--profiles'], ['list'], ['help'], ['exec', 'work', '--no-session', '--json'], ['--version']]) {
      it(`vault ${args.join(' ')} | (closed) exits 0, silent`, async () => {
        for (let run = 0; run < 5; run++) {
          const result = await runIntoClosedPipe(args)
          expect(result, `run ${run}`).to.deep.equal({code: 0, stderr: ''})
        }
      })
    }

    it('`vault list --profiles | head -1` in a shell exits 0 with nothing on stderr', async () => {
      for (let run = 0; run < 5; run++) {
        const result = await new Promise<{code: number | null; out: string}>((resolve) => {
          const child = spawn(
            'bash',
            ['-c', `set -o pipefail; ${shellQuote(process.execPath)} ${shellQuote(vaultBin)} list --profiles 2>&1 | head -1`],
            {
              env: sandbox.env(),
            },
          )
          let out = ''
          child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
          child.on('close', (code) => resolve({code, out}))
        })
        expect(result).to.deep.equal({code: 0, out: 'work\n'})
      }
    })
  })
})
