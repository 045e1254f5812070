import {expect} from 'chai'

import {type Completion, complete} from '../../../src/lib/completion/complete.ts'
import {credentialsFiles, model, profiles} from './fixture.ts'

/** Completes the last word of `line` (after `vault `); a line ending in a blank completes an empty word. */
async function at(line: string): Promise<Completion & {matching: string[]}> {
  const words = line.split(' ')
  const completion = await complete(model, words, {
    credentialsProfiles: async (file) => credentialsFiles.get(file) ?? [],
    profiles: async () => profiles,
  })
  const current = words.at(-1) as string
  return {...completion, matching: completion.candidates.map((choice) => choice.value).filter((value) => value.startsWith(current))}
}

describe('completion: what may be typed next', () => {
  it('offers the visible commands, without aliases or hidden ones, with their summaries', async () => {
    const {candidates, directive} = await at('')
    expect(candidates.map((choice) => choice.value)).to.deep.equal([
      'exec',
      'export',
      'list',
      'migrate',
      'import',
      'autocomplete',
      'plugins',
      'help',
    ])
    expect(candidates[0]).to.deep.equal({description: 'Run a command with credentials', value: 'exec'})
    expect(directive).to.deep.equal({type: 'none'})
    expect((await at('ex')).matching).to.deep.equal(['exec', 'export'])
  })

  it('offers subcommands after a topic, with oclif templates filled in', async () => {
    const {candidates} = await at('plugins ')
    expect(candidates).to.deep.equal([{description: 'Installs a plugin into vault.', value: 'install'}, {value: 'uninstall'}])
    expect((await at('plugins inst')).matching).to.deep.equal(['install'])
  })

  it("offers a command's argument options beside its subcommands, hidden ones left out", async () => {
    expect((await at('autocomplete ')).matching).to.deep.equal(['bash', 'zsh', 'fish'])
    expect((await at('autocomplete script f')).matching).to.deep.equal(['fish'])
  })

  it('offers profile names where a command takes its profile', async () => {
    expect((await at('exec ')).matching).to.deep.equal(profiles)
    expect((await at('export wo')).matching).to.deep.equal(['work-dev', 'work-prod'])
    expect((await at('exec --ecs-server p')).matching).to.deep.equal(['personal'])
    expect((await at('exec --server -n p')).matching).to.deep.equal(['personal'])
    expect((await at('exec --duration 1h w')).matching).to.deep.equal(['work-dev', 'work-prod'])
    expect((await at('exec -d 1h --backend=file w')).matching).to.deep.equal(['work-dev', 'work-prod'])
    expect((await at('migrate --profile w')).matching).to.deep.equal(['work-dev', 'work-prod'])
    expect((await at('migrate --profile=p')).matching).to.deep.equal(['--profile=personal'])
  })

  it('reads global flags before the command as aws-vault does', async () => {
    expect((await at('--backend file exec ')).matching).to.deep.equal(profiles)
    expect((await at('--debug --backend=file --prompt terminal export p')).matching).to.deep.equal(['personal'])
    expect((await at('--backend file e')).matching).to.deep.equal(['exec', 'export'])
    // A value that looks like a flag is the value, as the entry point reads it.
    expect((await at('--pass-prefix -x li')).matching).to.deep.equal(['list'])
    expect((await at('--back')).matching).to.deep.equal(['--backend'])
    expect((await at('--')).matching).to.include.members(['--backend', '--debug', '--help', '--version'])
  })

  it('offers flags anywhere before `--`, after the profile too, each only once unless repeatable', async () => {
    expect((await at('exec work --dur')).matching).to.deep.equal(['--duration'])
    expect((await at('exec --dur')).matching).to.deep.equal(['--duration'])
    expect((await at('exec work --duration 1h --d')).matching).to.deep.equal(['--debug'])
    expect((await at('migrate --profile a --pro')).matching).to.have.members(['--profile', '--prompt'])
    expect((await at('exec work --no-s')).matching).to.deep.equal(['--no-session'])
    expect((await at('exec work --no-d')).matching).to.deep.equal(['--no-debug'])
    const {candidates} = await at('exec work --dur')
    expect(candidates.find((choice) => choice.value === '--duration')?.description).to.equal('Duration of the session')
  })

  it("offers a flag's values: its options, or the backends, prompt drivers and profiles vault knows", async () => {
    expect((await at('export --format ')).matching).to.deep.equal(['env', 'export-env', 'ini', 'json'])
    expect((await at('export work --format=e')).matching).to.deep.equal(['--format=env', '--format=export-env'])
    expect((await at('--backend ')).candidates).to.deep.equal(model.choices.backend)
    expect((await at('exec work --backend k')).matching).to.deep.equal(['keyring'])
    expect((await at('migrate --from file --to ')).matching).to.deep.equal(['file', 'keyring'])
    expect((await at('exec --prompt ')).matching).to.deep.equal(['terminal'])
    expect((await at('exec --prompt=')).matching).to.deep.equal(['--prompt=terminal'])
  })

  it("offers import's --profile the profiles of the credentials file it reads, the one --file names when typed", async () => {
    expect((await at('import --profile ')).matching).to.deep.equal(['default', 'legacy'])
    expect((await at('import --profile=l')).matching).to.deep.equal(['--profile=legacy'])
    expect((await at('import --file ~/other --profile ')).matching).to.deep.equal(['other-a', 'other-b'])
    expect((await at('import --file=~/other --profile other-a --profile ')).matching).to.deep.equal(['other-a', 'other-b'])
    expect((await at('import -f/tmp/third --profile ')).matching).to.deep.equal(['third'])
    expect((await at('import --file ~/other --file /tmp/third --profile=')).matching).to.deep.equal(['--profile=third'])
    // Where a profile of ~/.aws/config goes, that file's profiles still come.
    expect((await at('migrate --profile ')).matching).to.deep.equal(profiles)
  })

  it('offers nothing for a value it knows nothing of, and never profile names there', async () => {
    for (const line of ['exec -d ', 'exec work --duration ', 'exec --pass-prefix ', 'export --duration=']) {
      const {candidates, directive} = await at(line)
      expect(candidates, line).to.deep.equal([])
      expect(directive, line).to.deep.equal({type: 'none'})
    }
  })

  it('leaves files and directories to the shell, with the part of the word before them', async () => {
    expect((await at('import --file ')).directive).to.deep.equal({prefix: '', type: 'files'})
    expect((await at('import --file=/tm')).directive).to.deep.equal({prefix: '--file=', type: 'files'})
    expect((await at('--file-dir /v')).directive).to.deep.equal({prefix: '', type: 'directories'})
  })

  it("leaves the command line that `exec` runs to the shell, counting the child's words before the cursor", async () => {
    expect((await at('exec work -- ')).directive).to.deep.equal({before: 0, type: 'command'})
    expect((await at('exec work -- aws s')).directive).to.deep.equal({before: 1, type: 'command'})
    expect((await at('exec work aws s3 ')).directive).to.deep.equal({before: 2, type: 'command'})
    expect((await at('exec work ')).directive).to.deep.equal({before: 0, type: 'command'})
    expect((await at('exec work ')).candidates).to.deep.equal([])
  })

  it('offers nothing after the arguments a strict command takes, or after an unknown command', async () => {
    expect(await at('export work ')).to.deep.include({candidates: [], directive: {type: 'none'}})
    expect((await at('export work -- ')).candidates).to.deep.equal([])
    expect((await at('frobnicate ')).candidates).to.deep.equal([])
    expect((await at('-- ')).candidates).to.deep.equal([])
  })

  it('offers --help after any command', async () => {
    expect((await at('exec work --he')).matching).to.deep.equal(['--help'])
    expect((await at('plugins install --he')).matching).to.deep.equal(['--help'])
  })

  it('completes the command words `help` takes', async () => {
    const all = (await at('')).matching
    expect((await at('help ')).matching).to.deep.equal(all)
    expect((await at('help plugins i')).matching).to.deep.equal(['install'])
    expect((await at('help -n plugins ')).matching).to.deep.equal(['install', 'uninstall'])
    expect((await at('help exec ')).candidates).to.deep.equal([])
  })

  it('resolves aliases and hidden commands it does not offer', async () => {
    expect((await at('ls --pro')).matching).to.have.members(['--profiles', '--prompt'])
    expect((await at('l')).matching).to.deep.equal(['list'])
  })
})
