// Shell completion as users set it up: `vault autocomplete` writes the scripts, then a real bash
// (called as readline calls it, and in tmux), a real zsh (in tmux) and a real fish complete what
// was typed: commands, flags after the profile, flag values and profile names.
import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {MARKER} from '../../src/lib/completion/index.ts'
import {exportFormats} from '../../src/lib/output/credential-formats.ts'
import {repoRoot, Sandbox, vaultBin} from '../helpers/cli.ts'
import {patient} from '../helpers/patience.ts'
import {shellQuote, TmuxSession} from '../helpers/tmux.ts'

const CONFIG = [
  '[default]',
  'output = json',
  '[profile work-prod]',
  'region = eu-west-1',
  '[profile work-dev]',
  'region = eu-west-1',
  '[profile personal]',
  'region = us-east-1',
  '[sso-session corp]',
  'sso_region = eu-west-1',
  '',
].join('\n')

const ALL_PROFILES = ['personal', 'work-dev', 'work-prod']

const KEYS = 'aws_access_key_id = AKIAEXAMPLEEXAMPLE12\naws_secret_access_key = secret/example/example/example/example0\n'
/** The shared credentials file: two sections that `vault import` takes, one with temporary keys and one without keys. */
const CREDENTIALS = [
  `[legacy]\n${KEYS}`,
  `[sts-temp]\n${KEYS}aws_session_token = token\n`,
  '[personal]\nregion = us-east-1\n',
  `[ci-bot]\n${KEYS}`,
].join('')
const fixturePlugin = join(repoRoot, 'test', 'fixtures', 'plugins', 'vault-fixture-good')

/** A user with `vault` on PATH, ~/.aws/config and every oclif directory under the throwaway HOME. */
function completionUser(): {sandbox: Sandbox; env: Record<string, string>} {
  const sandbox = new Sandbox()
  sandbox.writeConfig(CONFIG)
  const bin = join(sandbox.home, 'bin')
  mkdirSync(bin)
  symlinkSync(vaultBin, join(bin, 'vault'))
  const env = sandbox.env({
    PATH: `${bin}:${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    XDG_CACHE_HOME: join(sandbox.home, '.cache'),
    XDG_CONFIG_HOME: join(sandbox.home, '.config'),
    XDG_DATA_HOME: join(sandbox.home, '.local', 'share'),
  })
  return {env, sandbox}
}

function shell(program: string, args: string[], env: Record<string, string>, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, args, {cwd, env, timeout: patient(60_000)}, (error, stdout, stderr) => {
      if (error) reject(new Error(`${program} failed: ${error.message}\n${stdout}\n${stderr}`))
      else resolve(stdout)
    })
  })
}

/** What `vault backends --json` / `vault prompts --json` list: the ids completion must offer. */
async function ids(sandbox: Sandbox, env: Record<string, string>, command: 'backends' | 'prompts'): Promise<string[]> {
  const listed = await sandbox.run([command, '--json'], {env})
  expect(listed.code, listed.stderr).to.equal(0)
  return (JSON.parse(listed.stdout).result as Array<{id: string}>).map((row) => row.id).sort()
}

/** The words bash makes of a line for completion: blanks separate them, and `=` and `:` are words of their own. */
function bashWords(line: string): string[] {
  const words = line.split(/\s+/).flatMap((chunk) => chunk.match(/[=:]+|[^=:]+/g) ?? [])
  if (/\s$/.test(line) || line === '') words.push('')
  return words
}

describe('shell completion (built binary, real shells)', function () {
  this.timeout(60_000)
  let sandbox: Sandbox
  let env: Record<string, string>
  let backends: string[]
  let prompts: string[]

  before(async () => {
    ;({env, sandbox} = completionUser())
    const built = await sandbox.run(['autocomplete', 'bash'], {env})
    expect(built.code, built.stderr).to.equal(0)
    writeFileSync(join(sandbox.home, 'creds-file'), '')
    writeFileSync(join(sandbox.home, '.aws', 'credentials'), CREDENTIALS)
    writeFileSync(join(sandbox.home, 'other-creds'), `[elsewhere-keys]\n${KEYS}`)
    backends = await ids(sandbox, env, 'backends')
    prompts = await ids(sandbox, env, 'prompts')
    expect(backends).to.include('file')
    expect(prompts).to.include('terminal')
  })

  after(() => sandbox?.cleanup())

  const modelFile = () => join(sandbox.home, '.cache', 'vault', 'autocomplete', 'completion-model.json')

  /**
   * Sources the setup line `vault autocomplete script bash` prints, as the instructions say (or
   * runs `setup` instead), then calls the function bash has registered for `vault` the way readline
   * does, once per line.
   */
  async function bash(
    lines: string[],
    extraEnv: Record<string, string> = {},
    setup = 'eval "$(vault autocomplete script bash)"',
  ): Promise<string[][]> {
    const calls = lines.map((line) => {
      const words = bashWords(line)
      return `complete_line ${shellQuote(line)} ${words.map(shellQuote).join(' ')}`
    })
    const script = `
      ${setup}
      spec=$(complete -p vault) || exit 3
      fn=\${spec#*-F }; fn=\${fn%% *}
      complete_line() {
        COMP_LINE=$1; COMP_POINT=\${#COMP_LINE}; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=()
        "$fn" vault "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
        printf '%s\\n' "\${COMPREPLY[@]}" | sort -u | paste -sd ' ' -
      }
      ${calls.join('\n')}
    `
    const output = await shell('bash', ['-c', script], {...env, ...extraEnv}, sandbox.home)
    return output
      .split('\n')
      .slice(0, lines.length)
      .map((line) => line.split(' ').filter(Boolean))
  }

  describe('bash', () => {
    it('completes command names from what the user typed, after `help` too, and --help', async () => {
      const [exe, ex, plugins, help, helpFlag] = await bash([
        'vault exe',
        'vault ex',
        'vault plugins inst',
        'vault help plugins inst',
        'vault exec work-dev --he',
      ])
      expect(exe).to.deep.equal(['exec'])
      expect(ex).to.deep.equal(['exec', 'export'])
      expect(plugins).to.deep.equal(['install'])
      expect(help).to.deep.equal(['install'])
      expect(helpFlag).to.deep.equal(['--help'])
    })

    it('completes flags after the profile', async () => {
      const [duration, noSession, before] = await bash([
        'vault exec work-dev --dur',
        'vault exec work-dev --duration 1h --no-se',
        'vault export --reg',
      ])
      expect(duration).to.deep.equal(['--duration'])
      expect(noSession).to.deep.equal(['--no-session'])
      expect(before).to.deep.equal(['--region'])
    })

    it("completes --format with the formats `vault export` accepts, in both of bash's word shapes", async () => {
      const [all, inline, afterEquals] = await bash([
        'vault export --format ',
        'vault export personal --format=j',
        'vault export personal --format=',
      ])
      expect(all).to.deep.equal([...exportFormats].sort())
      expect(inline).to.deep.equal(['json'])
      expect(afterEquals).to.deep.equal([...exportFormats].sort())
    })

    it('completes --backend and --prompt with the ids of the installed backends and prompt drivers', async () => {
      const [leading, backend, session, migrate, prompt] = await bash([
        'vault --backend ',
        'vault exec personal --backend ',
        'vault list --session-backend f',
        'vault migrate --from file --to k',
        'vault exec --prompt ',
      ])
      expect(leading).to.deep.equal(backends)
      expect(backend).to.deep.equal(backends)
      expect(session).to.deep.equal(['file'])
      expect(migrate).to.deep.equal(backends.filter((id) => id.startsWith('k')))
      expect(prompt).to.deep.equal(prompts)
    })

    it('completes profile names from ~/.aws/config wherever a profile goes', async () => {
      const results = await bash([
        'vault exec ',
        'vault exec wo',
        'vault describe p',
        'vault login ',
        'vault clear work-d',
        'vault exec --ecs-server p',
        'vault exec --duration 1h w',
        'vault exec --duration=1h p',
        'vault --backend file exec w',
        'vault --backend=file --debug export ',
        'vault migrate --from file --to file --profile p',
      ])
      // [default] without profile settings and [sso-session] are not profiles, as in `vault list --profiles`.
      expect(results).to.deep.equal([
        ALL_PROFILES,
        ['work-dev', 'work-prod'],
        ['personal'],
        ALL_PROFILES,
        ['work-dev'],
        ['personal'],
        ['work-dev', 'work-prod'],
        ['personal'],
        ['work-dev', 'work-prod'],
        ALL_PROFILES,
        ['personal'],
      ])
    })

    it('offers no profile names where a flag takes another value, and the command line after the profile', async () => {
      const [duration, durationInline, command, separated] = await bash([
        'vault exec -d ',
        'vault exec --duration=',
        'vault exec personal ',
        'vault exec personal -- ba',
      ])
      expect(duration).to.deep.equal([])
      expect(durationInline).to.deep.equal([])
      expect(command).to.include('bash').and.not.include('personal')
      expect(separated).to.include('bash').and.not.include('personal')
    })

    it('completes file names where a flag takes a file', async () => {
      const [file] = await bash(['vault import --file cre'])
      expect(file).to.deep.equal(['creds-file'])
    })

    it("completes import's --profile from the credentials file import reads, the one --file names when typed", async () => {
      const [all, prefix, named, inline, fromConfig] = await bash([
        'vault import --profile ',
        'vault import --dry-run --profile l',
        'vault import --file other-creds --profile ',
        'vault import --file=~/other-creds --profile legacy --profile ',
        'vault exec ',
      ])
      // Sections with temporary keys or none are not imported, and ~/.aws/config's profiles are not in the file.
      expect(all).to.deep.equal(['ci-bot', 'legacy'])
      expect(prefix).to.deep.equal(['legacy'])
      expect(named).to.deep.equal(['elsewhere-keys'])
      expect(inline).to.deep.equal(['elsewhere-keys'])
      expect(fromConfig).to.deep.equal(ALL_PROFILES)
      const [variable] = await bash(['vault import --profile '], {AWS_SHARED_CREDENTIALS_FILE: join(sandbox.home, 'other-creds')})
      expect(variable).to.deep.equal(['elsewhere-keys'])
    })

    it('reads the config file AWS_CONFIG_FILE names', async () => {
      const other = join(sandbox.home, 'other-config')
      writeFileSync(other, '[profile elsewhere]\nregion = ap-south-1\n')
      const [profiles] = await bash(['vault exec '], {AWS_CONFIG_FILE: other})
      expect(profiles).to.deep.equal(['elsewhere'])
    })

    it('answers from the model it keeps while nothing it was built from changed, and builds it again when it is gone', async () => {
      await bash(['vault exec '])
      const kept = statSync(modelFile()).mtimeMs
      const [profiles] = await bash(['vault exec p'])
      expect(profiles).to.deep.equal(['personal'])
      expect(statSync(modelFile()).mtimeMs).to.equal(kept)
      rmSync(modelFile())
      const [again] = await bash(['vault exec --prompt '])
      expect(again).to.deep.equal(prompts)
      expect(statSync(modelFile()).isFile()).to.equal(true)
    })

    it('writes the scripts again, once each, when they are rebuilt', async () => {
      const rebuilt = await sandbox.run(['autocomplete', '--refresh-cache'], {env})
      expect(rebuilt.code, rebuilt.stderr).to.equal(0)
      const script = readFileSync(join(sandbox.home, '.cache', 'vault', 'autocomplete', 'functions', 'bash', 'vault.bash'), 'utf8')
      expect(script.split(MARKER)).to.have.length(2)
      const [profiles] = await bash(['vault export pe'])
      expect(profiles).to.deep.equal(['personal'])
    })

    describe('after an upgrade', () => {
      const functions = () => join(sandbox.home, '.cache', 'vault', 'autocomplete', 'functions')
      const files = () => ({
        bash: join(functions(), 'bash', 'vault.bash'),
        fish: join(functions(), 'fish', 'vault.fish'),
        zsh: join(functions(), 'zsh', '_vault'),
      })
      let current: {bash: string; fish: string; zsh: string}

      before(async () => {
        const rebuilt = await sandbox.run(['autocomplete', '--refresh-cache'], {env})
        expect(rebuilt.code, rebuilt.stderr).to.equal(0)
        const {bash, fish, zsh} = files()
        current = {bash: readFileSync(bash, 'utf8'), fish: readFileSync(fish, 'utf8'), zsh: readFileSync(zsh, 'utf8')}
      })

      const asOtherVersion = (text: string) => text.replace(/ of vault [^,]+,/, ' of vault 0.0.1,')

      it('writes the scripts of this version at the first command, over those of a vault that wrote static ones', async () => {
        // What an older vault left: oclif's static functions and no fish function.
        writeFileSync(files().bash, '_vault_autocomplete() { COMPREPLY=(stale); }\ncomplete -F _vault_autocomplete vault\n')
        writeFileSync(files().zsh, '#compdef vault\n_vault () { _describe stale stale }\n')
        rmSync(files().fish)
        const listed = await sandbox.run(['list', '--profiles'], {env})
        expect(listed.code, listed.stderr).to.equal(0)
        // The command's own output only.
        expect(listed.stdout.split('\n').filter(Boolean).sort()).to.deep.equal(ALL_PROFILES)
        expect(listed.stderr).to.equal('')
        expect(readFileSync(files().bash, 'utf8')).to.equal(current.bash)
        expect(readFileSync(files().zsh, 'utf8')).to.equal(current.zsh)
        expect(readFileSync(files().fish, 'utf8')).to.equal(current.fish)
        const [profiles] = await bash(['vault exec p'])
        expect(profiles).to.deep.equal(['personal'])
      })

      it('writes them at the first Tab, which builds the model again, over those of another version', async () => {
        for (const shell of ['bash', 'zsh', 'fish'] as const) writeFileSync(files()[shell], asOtherVersion(current[shell]))
        expect(readFileSync(files().bash, 'utf8')).to.not.equal(current.bash)
        // Installing another vault changes the files the kept model was stamped with.
        rmSync(modelFile())
        // The shell as started before: the function loaded, no vault command run but the Tab's.
        const [profiles] = await bash(['vault exec w'], {}, `source ${shellQuote(files().bash)}`)
        expect(profiles).to.deep.equal(['work-dev', 'work-prod'])
        expect(readFileSync(files().bash, 'utf8')).to.equal(current.bash)
        expect(readFileSync(files().zsh, 'utf8')).to.equal(current.zsh)
        expect(readFileSync(files().fish, 'utf8')).to.equal(current.fish)
      })

      it('leaves alone a completion never set up', async () => {
        rmSync(join(sandbox.home, '.cache', 'vault', 'autocomplete'), {force: true, recursive: true})
        const listed = await sandbox.run(['list', '--profiles'], {env})
        expect(listed.code, listed.stderr).to.equal(0)
        expect(existsSync(functions())).to.equal(false)
        const rebuilt = await sandbox.run(['autocomplete', '--refresh-cache'], {env})
        expect(rebuilt.code, rebuilt.stderr).to.equal(0)
      })
    })

    describe('with a real Tab (in tmux)', () => {
      let terminal: TmuxSession

      before(async () => {
        const rc = join(sandbox.home, 'bashrc')
        writeFileSync(rc, `PS1='ready> '\neval "$(vault autocomplete script bash)"\n`)
        terminal = new TmuxSession(`bash --noprofile --rcfile ${shellQuote(rc)} -i`, {...env, TERM: 'xterm-256color'})
        await terminal.waitFor(/^ready>\s*$/m, 30_000)
      })

      after(() => terminal?.close())

      async function tab(text: string, expected: RegExp): Promise<string> {
        terminal.press('C-u')
        terminal.type(text)
        terminal.press('Tab')
        return terminal.waitFor(expected, 20_000)
      }

      it('completes a flag after the profile, a --format=value and a profile after global flags', async () => {
        await tab('vault exec work-dev --dur', /^ready> vault exec work-dev --duration\s*$/m)
        await tab('vault export personal --format=j', /^ready> vault export personal --format=json\s*$/m)
        await tab('vault --backend file exec pers', /^ready> vault --backend file exec personal\s*$/m)
      })
    })
  })

  describe('zsh (in tmux)', () => {
    let zsh: TmuxSession

    before(async () => {
      const zdotdir = join(sandbox.home, 'zsh')
      mkdirSync(zdotdir)
      // What the setup instructions append to ~/.zshrc, behind a prompt the test can wait for.
      writeFileSync(join(zdotdir, '.zshrc'), `PS1='ready> '\neval "$(vault autocomplete script zsh)"\n`)
      zsh = new TmuxSession('zsh -i', {...env, SHELL: 'zsh', TERM: 'xterm-256color', ZDOTDIR: zdotdir})
      await zsh.waitFor(/^ready>\s*$/m, 30_000)
    })

    after(() => zsh?.close())

    /** Types `text`, presses Tab and waits for the screen to match. */
    async function tab(text: string, expected: RegExp): Promise<string> {
      zsh.press('C-l')
      zsh.press('C-u')
      zsh.type(text)
      zsh.press('Tab')
      return zsh.waitFor(expected, 20_000)
    }

    it('completes `vault exe` to `vault exec`', async () => {
      await tab('vault exe', /^ready> vault exec\s*$/m)
    })

    it('completes a unique profile name, after global flags too', async () => {
      await tab('vault exec pers', /^ready> vault exec personal\s*$/m)
      await tab('vault --backend file exec --ecs-server pers', /^ready> vault --backend file exec --ecs-server personal\s*$/m)
    })

    it('lists the profiles a prefix leaves open', async () => {
      const screen = await tab('vault exec -d 1h work-', /work-dev\s+work-prod/)
      expect(screen).to.match(/^ready> vault exec -d 1h work-$/m)
      expect(screen).to.not.match(/personal/)
    })

    it('completes a flag after the profile', async () => {
      await tab('vault exec work-dev --dur', /^ready> vault exec work-dev --duration\s*$/m)
    })

    it('lists the backends with their summaries, not file names, after --backend', async () => {
      const screen = await tab('vault exec work-dev --backend ', new RegExp(`^${backends[0]}\\s+--`, 'm'))
      for (const id of backends) expect(screen).to.match(new RegExp(`^${id}\\s+-- \\S`, 'm'))
      // zsh starts in the repository, whose files the old completion offered here.
      expect(screen).to.not.include('package.json')
    })

    it("lists `vault export`'s formats after --format, and the prompt drivers after --prompt", async () => {
      const formats = await tab('vault export --format ', /^env\s+export-env/m)
      for (const format of exportFormats) expect(formats).to.match(new RegExp(`(^|\\s)${format}(\\s|$)`, 'm'))
      const screen = await tab(
        'vault --prompt ',
        prompts.length === 1 ? new RegExp(`^ready> vault --prompt ${prompts[0]}\\s*$`, 'm') : /--/,
      )
      for (const id of prompts) expect(screen).to.include(id)
    })
  })

  describe('fish', () => {
    let fishEnv: Record<string, string>

    before(async () => {
      fishEnv = {...env, SHELL: 'fish'}
      const instructions = await sandbox.run(['autocomplete', 'fish'], {env: fishEnv})
      expect(instructions.code, instructions.stderr).to.equal(0)
      expect(instructions.stdout).to.include('vault autocomplete script fish > $__fish_config_dir/completions/vault.fish')
      // The instructions, followed: fish loads the file the first time `vault` is completed.
      const line = await sandbox.run(['autocomplete', 'script', 'fish'], {env: fishEnv})
      expect(line.code, line.stderr).to.equal(0)
      const completions = join(sandbox.home, '.config', 'fish', 'completions')
      mkdirSync(completions, {recursive: true})
      writeFileSync(join(completions, 'vault.fish'), line.stdout)
    })

    /** What fish offers for each line, as `complete -C` prints it: value, or value and description. */
    async function fish(lines: string[]): Promise<Array<Array<{value: string; description?: string}>>> {
      const script = lines.map((line) => `complete -C ${shellQuote(line)}; echo '<end>'`).join('\n')
      const output = await shell(
        'fish',
        ['--no-config', '-c', `source ${shellQuote(join(sandbox.home, '.config', 'fish', 'completions', 'vault.fish'))}\n${script}`],
        fishEnv,
        sandbox.home,
      )
      return output
        .split('<end>\n')
        .slice(0, lines.length)
        .map((block) =>
          block
            .split('\n')
            .filter(Boolean)
            .map((entry) => {
              const [value, description] = entry.split('\t')
              return description === undefined ? {value: value as string} : {description, value: value as string}
            }),
        )
    }
    const values = (entries: Array<{value: string}> | undefined) => (entries ?? []).map((entry) => entry.value).sort()

    it('loads from the completions directory the instructions name', async () => {
      const output = await shell('fish', ['-c', "complete -C 'vault exe'"], fishEnv, sandbox.home)
      expect(output.split('\n')[0]).to.match(/^exec\tRun a command/)
    })

    it('completes commands and flags, with their descriptions', async () => {
      const [commands, flags, afterProfile] = await fish(['vault ex', 'vault exec --no-se', 'vault exec work-dev --dur'])
      expect(values(commands)).to.deep.equal(['exec', 'export'])
      expect(commands?.find((entry) => entry.value === 'exec')?.description).to.match(/^Run a command/)
      expect(values(flags)).to.deep.equal(['--no-session'])
      expect(values(afterProfile)).to.deep.equal(['--duration'])
    })

    it('completes flag values: formats, backends and prompt drivers', async () => {
      const [formats, inline, backendIds, promptIds] = await fish([
        'vault export --format ',
        'vault export work-dev --format=j',
        'vault --backend ',
        'vault exec work-dev --prompt ',
      ])
      expect(values(formats)).to.deep.equal([...exportFormats].sort())
      expect(values(inline)).to.deep.equal(['--format=json'])
      expect(values(backendIds)).to.deep.equal(backends)
      expect(backendIds?.every((entry) => entry.description)).to.equal(true)
      expect(values(promptIds)).to.deep.equal(prompts)
    })

    it('completes profile names wherever a profile goes', async () => {
      const [all, prefix, afterBoolean, afterGlobal, duration] = await fish([
        'vault exec ',
        'vault login wo',
        'vault exec --ecs-server p',
        'vault --backend file exec w',
        'vault exec -d ',
      ])
      expect(values(all)).to.deep.equal(ALL_PROFILES)
      expect(values(prefix)).to.deep.equal(['work-dev', 'work-prod'])
      expect(values(afterBoolean)).to.deep.equal(['personal'])
      expect(values(afterGlobal)).to.deep.equal(['work-dev', 'work-prod'])
      expect(duration).to.deep.equal([])
    })

    it("completes import's --profile from the credentials file import reads", async () => {
      const [all, named] = await fish(['vault import --profile ', 'vault import --file other-creds --profile '])
      expect(values(all)).to.deep.equal(['ci-bot', 'legacy'])
      expect(values(named)).to.deep.equal(['elsewhere-keys'])
    })

    it('completes files and the command line `vault exec` runs', async () => {
      const [file, command] = await fish(['vault import --file cre', 'vault exec personal -- ba'])
      expect(values(file)).to.deep.equal(['creds-file'])
      expect(values(command)).to.include('bash').and.not.include('personal')
    })
  })

  describe('a shell it does not complete', () => {
    const ONE_LINE = /^vault: cannot set up completion for tcsh: the shells supported are bash, zsh, fish and powershell\n$/

    it('is refused in one line naming the shells supported, with no stack, when named', async () => {
      for (const args of [
        ['autocomplete', 'tcsh'],
        ['autocomplete', 'script', 'tcsh'],
        ['autocomplete', '--refresh-cache', 'tcsh'],
      ]) {
        const refused = await sandbox.run(args, {env})
        expect(refused.code, args.join(' ')).to.equal(2)
        expect(refused.stderr, args.join(' ')).to.match(ONE_LINE)
        expect(refused.stdout, args.join(' ')).to.equal('')
      }
    })

    it('is refused in one line when $SHELL names it, and --refresh-cache alone still builds every shell', async () => {
      for (const args of [['autocomplete'], ['autocomplete', 'script']]) {
        const refused = await sandbox.run(args, {env: {...env, SHELL: '/bin/tcsh'}})
        expect(refused.code, args.join(' ')).to.equal(2)
        expect(refused.stderr, args.join(' ')).to.match(
          /^vault: cannot set up completion for tcsh \(the shell \$SHELL names\); name one of the shells supported: bash, zsh, fish or powershell\n$/,
        )
      }
      const refreshed = await sandbox.run(['autocomplete', '--refresh-cache'], {env: {...env, SHELL: '/bin/tcsh'}})
      expect(refreshed.code, refreshed.stderr).to.equal(0)
      const named = await sandbox.run(['autocomplete', 'script', 'bash'], {env: {...env, SHELL: '/bin/tcsh'}})
      expect(named.code, named.stderr).to.equal(0)
      expect(named.stdout).to.include('bash_setup')
    })
  })

  describe('plugins installed later', () => {
    after(async () => {
      await sandbox.run(['plugins', 'unlink', 'vault-fixture-good'], {env})
    })

    it('offers the backends and prompt drivers a linked plugin adds, and no longer once it is gone', async () => {
      const linked = await sandbox.run(['plugins', 'link', fixturePlugin, '--no-install'], {env})
      expect(linked.code, linked.stderr).to.equal(0)
      const [backend, prompt] = await bash(['vault --backend fix', 'vault exec --prompt fix'])
      expect(backend).to.deep.equal(['fixture-memory'])
      expect(prompt).to.deep.equal(['fixture-static'])
      const unlinked = await sandbox.run(['plugins', 'unlink', 'vault-fixture-good'], {env})
      expect(unlinked.code, unlinked.stderr).to.equal(0)
      const [gone, all] = await bash(['vault --backend fix', 'vault --backend '])
      expect(gone).to.deep.equal([])
      expect(all).to.deep.equal(backends)
    })
  })
})
