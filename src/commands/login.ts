import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import type {Credentials, ResolvedProfile} from '../lib/plugin-api/index.ts'

import {credentialFlags, VaultCommand} from '../lib/base-command.ts'
import {flagDuration, resolveProfile} from '../lib/config/index.ts'
import {VaultError} from '../lib/errors.ts'
import {CredentialStore} from '../lib/keyring/credential-store.ts'
import {consoleEndpoints, FEDERATION_URL_VARIABLE, loginUrl} from '../lib/login/console-url.ts'

export default class Login extends VaultCommand<typeof Login> {
  static override summary = 'Open the AWS console in a browser, signed in with a profile'
  static override description =
    `Role, SSO and web-identity profiles sign in with their temporary credentials. A profile with stored keys (a plain IAM user) signs in through GetFederationToken, named after the user (from GetUser) with a policy allowing all the user may do; --duration or AWS_FEDERATION_TOKEN_TTL sets its length (default 1h). Without a profile, the credentials in the environment are used (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN).

The browser is BROWSER's command when set (a ':'-separated list; '%s' stands for the URL), else the system's opener; if none works the URL is printed. The URL signs in whoever opens it for 15 minutes: treat it as a secret.

${FEDERATION_URL_VARIABLE} replaces the console federation endpoint (https://signin.aws.amazon.com/federation, or the aws-cn and aws-us-gov ones for cn-* and us-gov-* regions).`

  static override args = {
    profile: Args.string({
      description:
        'Name of the profile (default: $AWS_PROFILE, then AWS credentials in the environment; on a terminal, chosen from a list)',
    }),
  }

  static override flags = {
    ...credentialFlags,
    duration: Flags.string({char: 'd', description: 'Duration of the assume-role or federated session, e.g. 1h, 90m (default 1h)'}),
    path: Flags.string({description: 'The console page to open, e.g. s3/home or ec2/v2/home'}),
    stdout: Flags.boolean({allowNo: true, char: 's', default: false, description: 'Print the login URL instead of opening a browser'}),
  }

  static override examples = [
    '<%= config.bin %> login work',
    '<%= config.bin %> login work --path s3/home --region eu-west-1',
    '<%= config.bin %> login work --stdout',
  ]

  protected async execute(): Promise<void> {
    const env = this.vault.env
    const name = await this.loginProfile()
    const {credentials, profile} = name === undefined ? await this.environmentCredentials() : await this.profileConsoleCredentials(name)
    const region = this.flags.region || profile.region
    const {destination, federationUrl} = consoleEndpoints(region, this.flags.path, env)
    if (credentials.expiration) {
      this.debugLog(
        `signing in with credentials that expire in ${Math.round((credentials.expiration.getTime() - Date.now()) / 60_000)} minutes`,
      )
    }
    const {getSigninToken} = await import('../lib/sts/federation.ts')
    const token = await getSigninToken({credentials, federationUrl})
    const url = loginUrl(federationUrl, destination, token)
    if (this.flags.stdout) {
      process.stdout.write(`${url}\n`)
      return
    }
    const {openInBrowser} = await import('../lib/login/open-browser.ts')
    const result = await openInBrowser(url, env)
    if (!result.opened) {
      process.stderr.write(`vault: could not open a browser (${result.problem}); open this URL yourself:\n`)
      process.stdout.write(`${url}\n`)
    }
  }

  /**
   * The profile named, or $AWS_PROFILE; without either, AWS credentials in the environment are
   * used as aws-vault does (undefined), and only without those is the user asked to pick one.
   */
  private async loginProfile(): Promise<string | undefined> {
    const env = this.vault.env
    if (this.args.profile || env.AWS_PROFILE) return this.args.profile || env.AWS_PROFILE
    const {environmentCredentials} = await import('../lib/login/console-credentials.ts')
    if (environmentCredentials(env) || !process.stdin.isTTY) return undefined
    return this.profileOrAsk(undefined)
  }

  /** The profile as login sees it: --duration also sets the federation token's length. */
  private async resolve(name: string, {known = true} = {}): Promise<ResolvedProfile> {
    const seconds = this.flags.duration === undefined ? undefined : flagDuration('duration', this.flags.duration)
    if (known) await this.vault.assertKnownProfile(name)
    return resolveProfile(await this.vault.awsConfig(), name, {
      env: this.vault.env,
      flags: {
        ...(this.flags.region ? {region: this.flags.region} : {}),
        ...(seconds === undefined
          ? {}
          : {assumeRoleDuration: seconds, getFederationTokenDuration: seconds, nonChainedGetSessionTokenDuration: seconds}),
      },
      requireSection: false,
    })
  }

  private async profileConsoleCredentials(name: string): Promise<{credentials: Credentials; profile: ResolvedProfile}> {
    const profile = await this.resolve(name)
    const {findStoredCredentialsProfile} = await import('../lib/providers/stored-credentials.ts')
    const {consoleRoute} = await import('../lib/login/console-credentials.ts')
    const store = new CredentialStore(await this.vault.keyring())
    const route = consoleRoute(profile, profile.roleArn ? undefined : (await findStoredCredentialsProfile(profile, store))?.name)
    this.debugLog(`profile ${name}: console credentials by ${route.kind}`)
    if (route.kind === 'federate-stored') {
      const stored = await store.get(route.storedProfile)
      if (!stored) throw new VaultError('CREDENTIALS_NOT_FOUND', `no credentials stored for profile "${route.storedProfile}"`)
      return {credentials: await this.federate(stored, profile), profile}
    }
    const {credentials} = await this.vault.profileCredentials(name, this.flags)
    if (route.kind === 'chain-or-federate' && !credentials.sessionToken)
      return {credentials: await this.federate(credentials, profile), profile}
    return {credentials, profile}
  }

  /** aws-vault's rule without a profile; temporary credentials (from `vault exec`, say) are used as they are. */
  private async environmentCredentials(): Promise<{credentials: Credentials; profile: ResolvedProfile}> {
    const {environmentCredentials} = await import('../lib/login/console-credentials.ts')
    const credentials = environmentCredentials(this.vault.env)
    if (!credentials) {
      throw new VaultError('USAGE', 'no profile given and no AWS credentials in the environment', {
        suggestions: [
          'name a profile: `vault login <profile>`',
          'or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)',
        ],
      })
    }
    // Only [default]'s settings (region, durations) are read here, and it need not exist: not a typo to refuse.
    const profile = await this.resolve('default', {known: false})
    if (credentials.sessionToken) return {credentials, profile}
    return {credentials: await this.federate(credentials, profile), profile}
  }

  private async federate(source: Credentials, profile: ResolvedProfile): Promise<Credentials> {
    const {federatedCredentials} = await import('../lib/login/console-credentials.ts')
    const {resolveIamTarget} = await import('../lib/sts/iam.ts')
    const {resolveStsTarget} = await import('../lib/sts/target.ts')
    const {regionDefaulted, target} = resolveStsTarget(profile, this.vault.env)
    if (regionDefaulted) this.debugLog(`profile ${profile.name} has no region: using ${target.region} for STS`)
    return federatedCredentials(source, {
      durationSeconds: profile.getFederationTokenDuration,
      iamTarget: resolveIamTarget(profile, this.vault.env),
      log: this.debugLog,
      profileName: profile.name,
      stsTarget: target,
    })
  }
}
