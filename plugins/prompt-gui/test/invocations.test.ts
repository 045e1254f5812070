import {expect} from 'chai'

import {appleScriptString, invocation} from '../src/invocations.ts'

const serial = 'arn:aws:iam::111111111111:mfa/jo'
const message = `Enter MFA code for ${serial}: `

describe('dialog command lines (as aws-vault v7 runs them)', () => {
  it('zenity: an entry dialog titled aws-vault', () => {
    expect(invocation('zenity', serial)).to.deep.equal({args: ['--entry', '--title', 'aws-vault', '--text', message], command: 'zenity'})
  })

  it('kdialog: an input box, the title after the text', () => {
    expect(invocation('kdialog', serial)).to.deep.equal({args: ['--inputbox', message, '--title', 'aws-vault'], command: 'kdialog'})
  })

  it('osascript: one script that shows the dialog and returns the text', () => {
    expect(invocation('osascript', serial)).to.deep.equal({
      args: [
        '-e',
        `\n\t\tdisplay dialog "${message}" default answer "" buttons {"OK", "Cancel"} default button 1\n        text returned of the result\n        return result`,
      ],
      command: 'osascript',
    })
  })

  it('quotes the message for AppleScript so a serial cannot end the string', () => {
    expect(appleScriptString('a "b" \\c')).to.equal('"a \\"b\\" \\\\c"')
    const [, script] = invocation('osascript', 'x" & (do shell script "id") & "').args
    expect(script).to.include('display dialog "Enter MFA code for x\\" & (do shell script \\"id\\") & \\": "')
  })
})
