// node-auth0 v2 ships no types; the driver only needs its AuthenticationClient constructor.
declare module 'auth0' {
  const auth0: { AuthenticationClient: new (options: Record<string, unknown>) => Record<string, any> }
  export default auth0
}
