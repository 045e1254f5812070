// The session-bus client, published as `@vault-aws/plugin-backend-keyring/dbus` for the other
// bundled backends that speak D-Bus (KWallet): one client, one way to find the bus.
export {type BusLocation, sessionBusLocation, socketOf} from './address.ts'
export {CALL_TIMEOUT, CONNECTION_LOST, DBusClient, DBusError, type MethodCall, variantValue} from './client.ts'
