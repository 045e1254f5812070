// Shell completion as users set it up: `vault autocomplete` writes the scripts, a real bash
// sources them and a real zsh (in tmux) completes on Tab, profile names included.
import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {MARKER} from '../../src/lib/completion/index.ts'
import {Sandbox, vaultBin} from '../helpers/cli.ts'
import {TmuxSession} from '../helpers/tmux.ts'

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

function shell(program: string, script: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, ['-c', script], {env, timeout: 60_000}, (error, stdout, stderr) => {
      if (error) reject(new Error(`${program} failed: ${error.message}\n${stdout}\n${stderr}`))
      else resolve(stdout)
    })
  })
}

describe('shell completion (built binary, real shells)', function () {
  this.timeout(60_000)

  describe('bash', () => {
    let sandbox: Sandbox
    let env: Record<string, string>

    before(async () => {
      ;({env, sandbox} = completionUser())
      const built = await sandbox.run(['autocomplete', 'bash'], {env})
      expect(built.code, built.stderr).to.equal(0)
    })

    after(() => sandbox.cleanup())

    /**
     * Sources the setup line `vault autocomplete script bash` prints, as the instructions say,
     * then calls whatever function bash has registered for `vault` once per line of words.
     */
    async function complete(lines: string[][], extraEnv: Record<string, string> = {}): Promise<string[][]> {
      const calls = lines.map((words) => `complete_words ${words.map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(' ')}`).join('\n')
      const script = `
        eval "$(vault autocomplete script bash)"
        spec=$(complete -p vault) || exit 3
        fn=\${spec#*-F }; fn=\${fn%% *}
        complete_words() {
          COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=\${#COMP_LINE}; COMPREPLY=()
          "$fn" vault "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
          printf '%s\\n' "\${COMPREPLY[@]}" | sort | paste -sd ' ' -
        }
        ${calls}
      `
      const output = await shell('bash', script, {...env, ...extraEnv})
      return output
        .split('\n')
        .slice(0, lines.length)
        .map((line) => line.split(' ').filter(Boolean))
    }

    it('completes command names from what the user typed', async () => {
      const [exe, ex, plugins] = await complete([
        ['vault', 'exe'],
        ['vault', 'ex'],
        ['vault', 'plugins', 'inst'],
      ])
      expect(exe).to.deep.equal(['exec'])
      expect(ex).to.deep.equal(['exec', 'export'])
      expect(plugins).to.deep.equal(['install'])
    })

    it('completes profile names from ~/.aws/config where a command takes a profile', async () => {
      const [all, work, describe, login, clear] = await complete([
        ['vault', 'exec', ''],
        ['vault', 'exec', 'wo'],
        ['vault', 'describe', 'p'],
        ['vault', 'login', ''],
        ['vault', 'clear', 'work-d'],
      ])
      // [default] without profile settings and [sso-session] are not profiles, as in `vault list --profiles`.
      expect(all).to.deep.equal(['personal', 'work-dev', 'work-prod'])
      expect(work).to.deep.equal(['work-dev', 'work-prod'])
      expect(describe).to.deep.equal(['personal'])
      expect(login).to.deep.equal(['personal', 'work-dev', 'work-prod'])
      expect(clear).to.deep.equal(['work-dev'])
    })

    it('finds the profile argument after flags, and not where a flag takes a value', async () => {
      const [afterValue, afterEquals, afterBoolean, flagValue, afterProfile, flags] = await complete([
        ['vault', 'exec', '--duration', '1h', 'w'],
        ['vault', 'exec', '--duration', '=', '1h', 'p'],
        ['vault', 'exec', '--no-session', 'p'],
        ['vault', 'exec', '-d', ''],
        ['vault', 'exec', 'personal', ''],
        ['vault', 'exec', '--no-se'],
      ])
      expect(afterValue).to.deep.equal(['work-dev', 'work-prod'])
      expect(afterEquals).to.deep.equal(['personal'])
      expect(afterBoolean).to.deep.equal(['personal'])
      expect(flagValue).to.not.include('personal')
      expect(afterProfile).to.not.include('personal')
      expect(flags).to.deep.equal(['--no-session'])
    })

    it('reads the config file AWS_CONFIG_FILE names', async () => {
      const other = join(sandbox.home, 'other-config')
      writeFileSync(other, '[profile elsewhere]\nregion = ap-south-1\n')
      const [profiles] = await complete([['vault', 'exec', '']], {AWS_CONFIG_FILE: other})
      expect(profiles).to.deep.equal(['elsewhere'])
    })

    it('keeps what was added when the scripts are built again', async () => {
      const rebuilt = await sandbox.run(['autocomplete', '--refresh-cache'], {env})
      expect(rebuilt.code, rebuilt.stderr).to.equal(0)
      const script = readFileSync(join(sandbox.home, '.cache', 'vault', 'autocomplete', 'functions', 'bash', 'vault.bash'), 'utf8')
      expect(script.split(MARKER)).to.have.length(2)
      const [profiles] = await complete([['vault', 'export', 'pe']])
      expect(profiles).to.deep.equal(['personal'])
    })
  })

  describe('zsh (in tmux)', () => {
    let sandbox: Sandbox
    let env: Record<string, string>
    let zsh: TmuxSession

    before(async () => {
      ;({env, sandbox} = completionUser())
      const built = await sandbox.run(['autocomplete', 'zsh'], {env})
      expect(built.code, built.stderr).to.equal(0)
      const zdotdir = join(sandbox.home, 'zsh')
      mkdirSync(zdotdir)
      // What the setup instructions append to ~/.zshrc, behind a prompt the test can wait for.
      writeFileSync(join(zdotdir, '.zshrc'), `PS1='ready> '\neval "$(vault autocomplete script zsh)"\n`)
      zsh = new TmuxSession('zsh -i', {...env, SHELL: 'zsh', TERM: 'xterm-256color', ZDOTDIR: zdotdir})
      await zsh.waitFor(/^ready>\s*$/m, 30_000)
    })

    after(() => {
      zsh?.close()
      sandbox?.cleanup()
    })

    /** Types `text`, presses Tab and waits for the prompt line to match. */
    async function tab(text: string, expected: RegExp): Promise<string> {
      zsh.press('C-u')
      zsh.type(text)
      zsh.press('Tab')
      return zsh.waitFor(expected, 20_000)
    }

    it('completes `vault exe` to `vault exec`', async () => {
      await tab('vault exe', /^ready> vault exec\s*$/m)
    })

    it('completes a unique profile name', async () => {
      await tab('vault exec pers', /^ready> vault exec personal\s*$/m)
    })

    it('lists the profiles a prefix leaves open', async () => {
      const screen = await tab('vault exec -d 1h work-', /work-dev\s+work-prod/)
      expect(screen).to.match(/^ready> vault exec -d 1h work-$/m)
      expect(screen).to.not.match(/personal/)
    })
  })
})
