/**
 * What a plugin's tests need from the host, published as `@vault-aws/cli/plugin-testkit`: the
 * keyring contract every backend must pass, and the contexts the host hands to backends and
 * prompt drivers. Plugin tests import this, never the host's internals, so they keep working
 * whatever the host moves around. Runs under mocha; assertions use node:assert.
 */
export type {BackendContextOptions, Recorded} from './contexts.ts'
export {backendContext, promptContext} from './contexts.ts'
export {type ContractOptions, keyringContract} from './keyring-contract.ts'
/** The error a promise rejects with, failing the test when it resolves: for a backend's error cases. */
export {failureOf} from './failure.ts'
/** aws-vault's item JSON, the codec the host hands to every backend as `ctx.items`. */
export {itemCodec} from '../keyring/item-codec.ts'
/** The host's `shareUntilFailure`, which it hands to every backend as `ctx.shareUntilFailure`. */
export {shareUntilFailure} from '../share-until-failure.ts'
