import {expect} from 'chai'

import {VaultError} from '../../../src/lib/errors.ts'
import type {PromptContext, PromptDriverDescriptor} from '../../../src/lib/plugin-api/index.ts'
import {chooseDriver, type DriverEntry, guardDriver, requestedDriver} from '../../../src/lib/prompt/select-driver.ts'

const ctx: PromptContext = {debug() {}, env: {}, findExecutable: () => undefined}

function driver(id: string, options: {needsTty?: boolean; available?: boolean; reason?: string; throws?: boolean} = {}): DriverEntry {
  const descriptor: PromptDriverDescriptor = {
    create: () => async () => `${id}-code`,
    id,
    isAvailable() {
      if (options.throws) throw new Error(`${id} check exploded`)
      return {available: options.available ?? true, reason: options.reason ?? 'ok'}
    },
    needsTty: options.needsTty ?? false,
    summary: id,
  }
  return {descriptor, plugin: {name: `plugin-${id}`, type: 'core'}}
}

async function failure(promise: Promise<unknown>): Promise<VaultError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).to.be.instanceOf(VaultError)
  return error as VaultError
}

const ids = (entry: DriverEntry): string => entry.descriptor.id

describe('prompt driver choice', () => {
  describe('a named driver', () => {
    it('is found among the discovered ones', () => {
      expect(ids(requestedDriver([driver('terminal', {needsTty: true}), driver('zenity')], 'zenity'))).to.equal('zenity')
    })

    it('that does not exist fails listing the available ids', () => {
      const error = (() => {
        try {
          requestedDriver([driver('terminal', {needsTty: true}), driver('ykman')], 'zentiy')
        } catch (caught) {
          return caught as VaultError
        }
        throw new Error('no error')
      })()
      expect(error.code).to.equal('PROMPT_UNKNOWN')
      expect(error.exitCode).to.equal(2)
      expect(error.message).to.equal('unknown prompt driver "zentiy" (available: terminal, ykman)')
    })

    it('of an installable plugin suggests installing it', () => {
      expect(() => requestedDriver([driver('terminal', {needsTty: true})], 'kdialog'))
        .to.throw(VaultError)
        .with.property('suggestions')
        .that.includes('install it: vault plugins install prompt-gui')
    })

    it('"pass" explains why it is gone and points at mfa_process', () => {
      try {
        requestedDriver([driver('terminal', {needsTty: true})], 'pass')
        expect.fail('no error')
      } catch (error) {
        const vaultError = error as VaultError
        expect(vaultError.message).to.match(/^--prompt=pass \(or AWS_VAULT_PROMPT=pass\) is not supported/)
        expect(vaultError.suggestions.join('\n')).to.include('mfa_process = pass otp <your mfa_serial>')
      }
    })

    it('"pass" is used when a plugin provides it', () => {
      expect(ids(requestedDriver([driver('pass')], 'pass'))).to.equal('pass')
    })

    it('is refused when it is not available here, with the reason', async () => {
      const error = await failure(chooseDriver([driver('zenity', {available: false, reason: 'no DISPLAY'})], {requested: 'zenity'}, ctx))
      expect(error.code).to.equal('PROMPT_UNAVAILABLE')
      expect(error.message).to.equal('prompt driver "zenity" cannot be used here: no DISPLAY')
    })

    it('that needs a terminal is refused in server mode', async () => {
      const error = await failure(chooseDriver([driver('terminal', {needsTty: true})], {requested: 'terminal', serverMode: true}, ctx))
      expect(error.code).to.equal('PROMPT_UNAVAILABLE')
      expect(error.message).to.include('cannot be used by a credential server')
    })

    it('wins over the automatic choice', async () => {
      const entries = [driver('terminal', {needsTty: true}), driver('zenity'), driver('ykman')]
      expect(ids(await chooseDriver(entries, {requested: 'ykman'}, ctx))).to.equal('ykman')
    })
  })

  describe('the automatic choice', () => {
    it('is the terminal when there is one', async () => {
      expect(ids(await chooseDriver([driver('zenity'), driver('terminal', {needsTty: true})], {}, ctx))).to.equal('terminal')
    })

    it('is the first available driver needing no terminal when there is no terminal', async () => {
      const entries = [
        driver('terminal', {available: false, needsTty: true}),
        driver('kdialog', {available: false}),
        driver('zenity'),
        driver('ykman'),
      ]
      expect(ids(await chooseDriver(entries, {}, ctx))).to.equal('zenity')
    })

    it('skips the terminal in server mode', async () => {
      const entries = [driver('terminal', {needsTty: true}), driver('zenity')]
      expect(ids(await chooseDriver(entries, {serverMode: true}, ctx))).to.equal('zenity')
    })

    it('treats a driver whose check throws as unavailable', async () => {
      const entries = [driver('terminal', {needsTty: true, throws: true}), driver('zenity')]
      expect(ids(await chooseDriver(entries, {}, ctx))).to.equal('zenity')
    })

    it('fails with every reason and the ways out when nothing works', async () => {
      const entries = [
        driver('terminal', {available: false, needsTty: true, reason: 'no controlling terminal'}),
        driver('zenity', {available: false, reason: 'no DISPLAY'}),
      ]
      const error = await failure(chooseDriver(entries, {}, ctx))
      expect(error.code).to.equal('PROMPT_UNAVAILABLE')
      expect(error.message).to.equal('no way to ask for an MFA code here (terminal: no controlling terminal; zenity: no DISPLAY)')
      const suggestions = error.suggestions.join('\n')
      expect(suggestions).to.include('--mfa-token')
      expect(suggestions).to.include('mfa_process')
      expect(suggestions).to.include('--prompt')
    })

    it('says so when no driver is installed at all', async () => {
      const error = await failure(chooseDriver([], {}, ctx))
      expect(error.message).to.equal('no way to ask for an MFA code here (no prompt driver installed)')
    })
  })

  describe('guarded drivers', () => {
    it('trim the code', async () => {
      expect(await guardDriver('x', async () => ' 123456\n')('serial')).to.equal('123456')
    })

    it('turn a cancelled dialog into an abort (exit 130)', async () => {
      const cancelled = Object.assign(new Error('dialog closed'), {code: 'PROMPT_CANCELLED'})
      const error = await failure(guardDriver('zenity', async () => Promise.reject(cancelled))('serial'))
      expect(error.code).to.equal('ABORTED')
      expect(error.exitCode).to.equal(130)
      expect(error.message).to.equal('cancelled at the zenity prompt')
    })

    it('name the driver when it fails', async () => {
      const error = await failure(guardDriver('ykman', async () => Promise.reject(new Error('ykman exited with 2')))('serial'))
      expect(error.code).to.equal('MFA_FAILED')
      expect(error.message).to.equal('the ykman prompt failed: ykman exited with 2')
    })

    it('pass our own errors through unchanged', async () => {
      const own = new VaultError('ABORTED', 'cancelled at the MFA prompt')
      expect(await failure(guardDriver('terminal', async () => Promise.reject(own))('serial'))).to.equal(own)
    })

    it('refuse an empty answer', async () => {
      const error = await failure(guardDriver('zenity', async () => '  ')('serial'))
      expect(error.message).to.equal('the zenity prompt returned no MFA code')
    })
  })
})
