import {join} from 'node:path'

import {runInSession, type SessionRun} from './support/session.ts'

// Mocha runs in-process, so the checks that need a session bus run in a mocha of their own
// under dbus-run-session; each inner test is reported here as a test of its own.
const here = join(import.meta.dirname, 'session')

function report(title: string, run: SessionRun): void {
  describe(title, function () {
    if (run.failure !== undefined) {
      it('runs', function () {
        throw new Error(run.failure)
      })
    }
    for (const result of run.results) {
      if (result.pending) {
        it(result.fullTitle)
        continue
      }
      it(result.fullTitle, function () {
        if (!result.passed) throw new Error(result.error)
      })
    }
  })
}

const withKeyring = await runInSession({
  keyring: true,
  specs: ['contract.session.ts', 'compat.session.ts', 'errors.session.ts'].map((name) => join(here, name)),
})
report('OS keyring backend on a real gnome-keyring-daemon (dbus-run-session)', withKeyring)

const bare = await runInSession({keyring: false, specs: [join(here, 'no-service.session.ts')]})
report('OS keyring backend on a session bus with no Secret Service', bare)
