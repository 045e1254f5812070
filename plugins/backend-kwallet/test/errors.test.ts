import {appendFileSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'chai'

import {NO_DAEMON_MESSAGE} from '../src/errors.ts'
import {failureOf} from '@vault-aws/cli/plugin-testkit'
import {context, kwalletDescriptor, openKeyring} from './support/context.ts'
import {KWalletSession} from './support/kwallet-session.ts'

const PASSWORD = 'errors wallet password'
const encode = (text: string) => new TextEncoder().encode(text)
const decode = (data: Uint8Array) => new TextDecoder().decode(data)

describe('kwallet backend: availability and errors (real kwalletd5 on a private D-Bus session, Xvfb)', function () {
  let root: string

  before(function () {
    root = mkdtempSync(join(tmpdir(), 'vault-kwallet-errors-'))
  })

  after(function () {
    if (root) rmSync(root, {force: true, recursive: true})
  })

  describe('with the daemon running', function () {
    let session: KWalletSession
    /** The session's bus, without its display: a client that cannot show KWallet's dialogs. */
    let headless: Record<string, string>

    before(async function () {
      this.timeout(120_000)
      session = await KWalletSession.start(join(root, 'running'))
      headless = {DBUS_SESSION_BUS_ADDRESS: session.env.DBUS_SESSION_BUS_ADDRESS!}
      await session.createWallet('aws-vault', PASSWORD)
      await (await openKeyring(session.env)).set({key: 'inside', data: encode('kept')})
    })

    afterEach(function () {
      session.stopAnswering()
    })

    after(async function () {
      await session?.stop()
    })

    it('is available with the wallet open, display or not', async function () {
      const descriptor = await kwalletDescriptor()
      for (const env of [session.env, headless]) {
        const availability = await descriptor.isAvailable(context(env))
        expect(availability).to.deep.equal({available: true, reason: 'KWallet (org.kde.kwalletd5), wallet "aws-vault" (open)'})
      }
      expect(decode((await (await openKeyring(headless)).get('inside')).data)).to.equal('kept')
    })

    describe('a closed wallet', function () {
      beforeEach(async function () {
        await session.closeWallet('aws-vault')
      })

      it('is unavailable without a display, and every operation is BACKEND_LOCKED in one line, without a dialog', async function () {
        const descriptor = await kwalletDescriptor()
        const availability = await descriptor.isAvailable(context(headless))
        expect(availability).to.deep.equal({
          available: false,
          reason: 'the KWallet wallet "aws-vault" is closed and there is no display to ask for its password on',
        })
        const keyring = await openKeyring(headless)
        for (const operation of [
          keyring.get('inside'),
          keyring.set({key: 'new', data: encode('x')}),
          keyring.remove('inside'),
          keyring.keys(),
        ]) {
          const error = await failureOf(operation)
          expect(error.code).to.equal('BACKEND_LOCKED')
          expect(error.message).to.equal('the KWallet wallet "aws-vault" is closed and there is no display to ask for its password on')
        }
        expect(await session.isWalletOpen('aws-vault')).to.equal(false)
      })

      it("is available with a display, and BACKEND_LOCKED when KWallet's password dialog is cancelled", async function () {
        const availability = await (await kwalletDescriptor()).isAvailable(context(session.env))
        expect(availability).to.deep.equal({
          available: true,
          reason: 'KWallet (org.kde.kwalletd5), wallet "aws-vault" (closed: KWallet asks for its password)',
        })
        const keyring = await openKeyring(session.env)
        const [error] = await Promise.all([failureOf(keyring.get('inside')), session.answerDialog(undefined, 'Escape')])
        expect(error.code).to.equal('BACKEND_LOCKED')
        expect(error.message).to.equal('the KWallet wallet "aws-vault" stays closed: its password dialog was cancelled')
        expect(await session.isWalletOpen('aws-vault')).to.equal(false)
      })

      it("opens once the wallet's password is typed into KWallet's dialog", async function () {
        const keyring = await openKeyring(session.env)
        const [item] = await Promise.all([keyring.get('inside'), session.answerDialog(PASSWORD, 'Return')])
        expect(decode(item.data)).to.equal('kept')
        expect(await session.isWalletOpen('aws-vault')).to.equal(true)
      })
    })

    it('opens the wallet again when it was closed while in use (a handle KWallet no longer knows)', async function () {
      const keyring = await openKeyring(session.env)
      expect(await keyring.keys()).to.include('inside')
      await session.closeWallet('aws-vault')
      // The keyring's handle is stale now: KWallet answers it with nothing, which must not read as "no item".
      const [item] = await Promise.all([keyring.get('inside'), session.answerDialog(PASSWORD, 'Return')])
      expect(decode(item.data)).to.equal('kept')
    })

    describe('a wallet that does not exist yet', function () {
      const wallet = 'not-yet'

      it('is unavailable without a display, and a write is BACKEND_UNAVAILABLE in one line', async function () {
        const env = {...headless, AWS_VAULT_KWALLET_WALLET: wallet}
        const availability = await (await kwalletDescriptor()).isAvailable(context(env))
        expect(availability).to.deep.equal({
          available: false,
          reason: 'the KWallet wallet "not-yet" does not exist and there is no display to create it on',
        })
        const error = await failureOf((await openKeyring(env)).set({key: 'first', data: encode('x')}))
        expect(error.code).to.equal('BACKEND_UNAVAILABLE')
        expect(error.message).to.equal('the KWallet wallet "not-yet" does not exist and there is no display to create it on')
      })

      it("is created on the first write through KWallet's dialog; cancelled, the write is BACKEND_UNAVAILABLE", async function () {
        const env = {...session.env, AWS_VAULT_KWALLET_WALLET: wallet}
        const availability = await (await kwalletDescriptor()).isAvailable(context(env))
        expect(availability).to.deep.equal({
          available: true,
          reason: 'KWallet (org.kde.kwalletd5); wallet "not-yet" is created on the first write',
        })
        const keyring = await openKeyring(env)
        const [error] = await Promise.all([
          failureOf(keyring.set({key: 'first', data: encode('x')})),
          session.answerDialog(undefined, 'Escape'),
        ])
        expect(error.code).to.equal('BACKEND_UNAVAILABLE')
        expect(error.message).to.equal('KWallet did not create the wallet "not-yet": its dialog was cancelled')
        expect(await session.kwallet('wallets')).not.to.include(wallet)
      })
    })

    it("is BACKEND_LOCKED when KWallet denies the application access (kwalletrc's [Auto Deny])", async function () {
      await session.createWallet('denied', PASSWORD)
      appendFileSync(join(session.home, '.config', 'kwalletrc'), '\n[Auto Deny]\ndenied=aws-vault\n')
      await session.kwallet('reconfigure')
      const error = await failureOf((await openKeyring({...session.env, AWS_VAULT_KWALLET_WALLET: 'denied'})).get('anything'))
      expect(error.code).to.equal('BACKEND_LOCKED')
      expect(error.message).to.equal('KWallet denied "aws-vault" access to the wallet "denied"')
    })

    it('is turned off by DISABLE_KWALLET=1, as in aws-vault', async function () {
      const env = {...session.env, DISABLE_KWALLET: '1'}
      const descriptor = await kwalletDescriptor()
      expect(await descriptor.isAvailable(context(env))).to.deep.equal({
        available: false,
        reason: 'KWallet is turned off by DISABLE_KWALLET=1',
      })
      const error = await failureOf(descriptor.open(context(env)))
      expect(error.code).to.equal('BACKEND_UNAVAILABLE')
    })
  })

  describe('with the daemon started by the bus on first use', function () {
    let session: KWalletSession

    before(async function () {
      this.timeout(120_000)
      session = await KWalletSession.start(join(root, 'activatable'), {daemon: 'activatable'})
    })

    after(async function () {
      await session?.stop()
    })

    it('is unavailable without a display, since the daemon it would start shows dialogs', async function () {
      const availability = await (await kwalletDescriptor()).isAvailable(
        context({DBUS_SESSION_BUS_ADDRESS: session.env.DBUS_SESSION_BUS_ADDRESS}),
      )
      expect(availability).to.deep.equal({
        available: false,
        reason: "KWallet's daemon (org.kde.kwalletd5) is not running and there is no display for its dialogs",
      })
    })

    it('is available with a display without starting it; the first call starts it', async function () {
      const availability = await (await kwalletDescriptor()).isAvailable(context(session.env))
      expect(availability).to.deep.equal({available: true, reason: 'KWallet (org.kde.kwalletd5, started on first use), wallet "aws-vault"'})
      expect(await session.daemonRunning()).to.equal(false)
      const keyring = await openKeyring(session.env)
      expect(await keyring.keys()).to.deep.equal([])
      expect(await session.daemonRunning()).to.equal(true)
    })
  })

  describe('without a KWallet daemon on the bus', function () {
    let session: KWalletSession

    before(async function () {
      this.timeout(120_000)
      session = await KWalletSession.start(join(root, 'absent'), {daemon: 'absent'})
    })

    after(async function () {
      await session?.stop()
    })

    it('is unavailable, and reads and writes are BACKEND_UNAVAILABLE, saying no KWallet daemon answers', async function () {
      const availability = await (await kwalletDescriptor()).isAvailable(context(session.env))
      expect(availability).to.deep.equal({available: false, reason: NO_DAEMON_MESSAGE})
      const keyring = await openKeyring(session.env)
      for (const operation of [keyring.get('work'), keyring.set({key: 'work', data: encode('x')})]) {
        const error = await failureOf(operation)
        expect(error.code).to.equal('BACKEND_UNAVAILABLE')
        expect(error.message).to.equal(NO_DAEMON_MESSAGE)
      }
    })
  })

  describe('without a session bus', function () {
    it('is unavailable, and operations are BACKEND_UNAVAILABLE, saying there is no session bus', async function () {
      const reason = 'no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set and there is no $XDG_RUNTIME_DIR/bus'
      expect(await (await kwalletDescriptor()).isAvailable(context({}))).to.deep.equal({available: false, reason})
      const error = await failureOf((await openKeyring({})).keys())
      expect(error.code).to.equal('BACKEND_UNAVAILABLE')
      expect(error.message).to.equal(reason)
    })
  })
})
