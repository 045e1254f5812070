// vault's completion scripts on their own: each shell accepts them, whatever the path of the model.
import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {
  bashScript,
  type CompletionHost,
  fishScript,
  fishSetupLine,
  MARKER,
  type ScriptTarget,
  writeCompletion,
  zshScript,
} from '../../src/lib/completion/index.ts'

const target: ScriptTarget = {
  aliases: ['vlt'],
  bin: 'vault',
  cache: "/home/o'brien/my cache/vault/autocomplete/completion-model.json",
  version: '1.2.3-beta.1',
}

/** The shell parses `script` (from a file: fish reads no script from a socket) without running it. */
function parses(program: string, args: string[], script: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'vault-completion-script-'))
  try {
    writeFileSync(join(dir, 'script'), script)
    execFileSync(program, [...args, join(dir, 'script')], {stdio: ['ignore', 'ignore', 'pipe']})
  } finally {
    rmSync(dir, {force: true, recursive: true})
  }
}

describe('completion scripts', () => {
  it('are accepted by bash, and register the program and its aliases', () => {
    const script = bashScript(target)
    parses('bash', ['-n'], script)
    const registered = execFileSync('bash', ['-c', `${script}\ncomplete -p vault vlt`], {encoding: 'utf8'})
    expect(registered).to.equal('complete -F _vault_complete vault\ncomplete -F _vault_complete vlt\n')
    expect(script.startsWith(MARKER)).to.equal(true)
  })

  it('are accepted by zsh, as an autoloaded function file for the program and its aliases', () => {
    const script = zshScript(target)
    parses('zsh', ['-n'], script)
    expect(script.split('\n')[0]).to.equal('#compdef vault vlt')
    expect(script.split('\n')[1]?.startsWith(MARKER)).to.equal(true)
    expect(script.trimEnd().endsWith('_vault "$@"')).to.equal(true)
  })

  it('are accepted by fish, and register the program and its aliases', () => {
    const script = fishScript(target)
    parses('fish', ['--no-execute'], script)
    const registered = execFileSync('fish', ['--no-config', '-c', `${script}\ncomplete -c vault; complete -c vlt`], {encoding: 'utf8'})
    expect(registered).to.include("complete --no-files vault -a '(__vault_complete)'")
    expect(registered).to.include("complete --no-files vlt -a '(__vault_complete)'")
    parses('fish', ['--no-execute'], fishSetupLine('vault', "/home/o'brien/my cache/vault.fish"))
  })

  it('keep the path of the model one word in each shell', () => {
    const bash = execFileSync('bash', ['-c', `${bashScript(target)}\ndeclare -f _vault_complete`], {encoding: 'utf8'})
    expect(bash).to.include(`--cache='/home/o'\\''brien/my cache/vault/autocomplete/completion-model.json'`)
    expect(fishScript(target)).to.include(`--cache='/home/o\\'brien/my cache/vault/autocomplete/completion-model.json'`)
  })

  it('name the version that wrote them in their first lines, and nothing a comment cannot hold', () => {
    for (const script of [bashScript(target), zshScript(target), fishScript(target)]) {
      expect(script.split('\n', 2).join('\n')).to.include('of vault 1.2.3-beta.1,')
    }
    const odd = bashScript({...target, version: '1.0\necho hi'})
    expect(odd.split('\n')[0]).to.include('of vault 1.0?echo?hi,')
    parses('bash', ['-n'], odd)
  })

  it('are not written for a program name that cannot name a shell function', async () => {
    const problems = await writeCompletion({bin: 'va$(x)', cacheDir: '/nonexistent-cache'} as unknown as CompletionHost)
    expect(problems).to.deep.equal(['shell completion not written: "va$(x)" cannot name a shell function'])
  })
})
