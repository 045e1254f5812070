import {expect} from 'chai'

import {serverFlagProblem, type ServerFlags} from '../../../src/lib/server/validate.ts'

const none: ServerFlags = {ec2Server: false, ecsServer: false, json: false, noSession: false}

describe('server flag rules (aws-vault v7 validate)', () => {
  const cases: Array<[Partial<ServerFlags>, string | undefined]> = [
    [{}, undefined],
    [{ecsServer: true}, undefined],
    [{ec2Server: true, ec2Address: '127.0.0.1:0'}, undefined],
    [{json: true, noSession: true}, undefined],
    [{ec2Server: true, ecsServer: true}, "can't use --ec2-server with --ecs-server"],
    [{ec2Server: true, json: true}, "can't use --ec2-server with --json"],
    [{ec2Server: true, noSession: true}, "can't use --ec2-server with --no-session"],
    [{ecsServer: true, json: true}, "can't use --ecs-server with --json"],
    [{ecsServer: true, noSession: true}, "can't use --ecs-server with --no-session"],
    [{ecsServer: true, terminalPrompt: 'terminal'}, "can't use --prompt=terminal with --ecs-server. Specify a different prompt driver"],
    [{ec2Server: true, terminalPrompt: 'terminal'}, "can't use --prompt=terminal with --ec2-server. Specify a different prompt driver"],
    [{terminalPrompt: 'terminal'}, undefined],
    [{ec2Address: '127.0.0.1:9099'}, '--ec2-address needs --ec2-server'],
    // aws-vault checks in this order: the first rule broken is the one reported.
    [{ec2Server: true, ecsServer: true, json: true, noSession: true}, "can't use --ec2-server with --ecs-server"],
    [{ecsServer: true, json: true, noSession: true, terminalPrompt: 'terminal'}, "can't use --ecs-server with --json"],
  ]
  for (const [flags, expected] of cases) {
    it(`${JSON.stringify(flags)} → ${expected ?? 'accepted'}`, () => {
      expect(serverFlagProblem({...none, ...flags})).to.equal(expected)
    })
  }
})
