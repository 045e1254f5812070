/** The server flags of `vault exec`, as parsed. */
export interface ServerFlags {
  ecsServer: boolean
  ec2Server: boolean
  json: boolean
  noSession: boolean
  ec2Address?: string
  /** The prompt driver named with --prompt/AWS_VAULT_PROMPT, when it reads the terminal. */
  terminalPrompt?: string
}

/** aws-vault v7's rules for the server modes, in its order; the first broken one, if any. */
export function serverFlagProblem(flags: ServerFlags): string | undefined {
  if (flags.ec2Server && flags.ecsServer) return "can't use --ec2-server with --ecs-server"
  if (flags.ec2Server && flags.json) return "can't use --ec2-server with --json"
  if (flags.ec2Server && flags.noSession) return "can't use --ec2-server with --no-session"
  if (flags.ecsServer && flags.json) return "can't use --ecs-server with --json"
  if (flags.ecsServer && flags.noSession) return "can't use --ecs-server with --no-session"
  if (flags.ecsServer && flags.terminalPrompt)
    return `can't use --prompt=${flags.terminalPrompt} with --ecs-server. Specify a different prompt driver`
  if (flags.ec2Server && flags.terminalPrompt)
    return `can't use --prompt=${flags.terminalPrompt} with --ec2-server. Specify a different prompt driver`
  // Ours: the address only means something to the EC2 server.
  if (flags.ec2Address !== undefined && !flags.ec2Server) return '--ec2-address needs --ec2-server'
  return undefined
}
