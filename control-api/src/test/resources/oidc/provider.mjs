// A real OpenID Connect provider (the certified oidc-provider package) for runcmd's tests.
//
// Usage: node provider.mjs <port> <clients.json> [issuer]
//
// Listens on 127.0.0.1:<port>; the issuer is http://127.0.0.1:<port> unless given (a test may start a second
// provider that claims another's issuer with keys of its own). Every start signs with a new RSA key, so a restart
// on the same port is a key rotation. Access tokens are JWTs (RS256) for the resource urn:runcmd unless a token
// request names another resource, which then becomes the audience.
//
// clients.json is an array of {"clientId", "secret", "ttlSeconds", "ageSeconds", "notBeforeSeconds", "claims"}:
// confidential clients of the client_credentials grant. A client's access tokens say they were issued ageSeconds ago
// (default 0: now; an age beyond the lifetime gives tokens that are expired when issued), expire ttlSeconds after
// that, are not valid before notBeforeSeconds after it when that is given, and carry the client's "claims", which may
// override any standard claim (sub, ...) so that a test can shape user-like, Entra-like or Keycloak-like tokens. A
// public client "runcmd-cli" (device authorization grant, no secret) is always defined.
//
// Prints "oidc-provider ready <issuer>" once it listens.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const [port, clientsFile, issuerArgument] = process.argv.slice(2);
const issuer = issuerArgument || `http://127.0.0.1:${port}`;
const clients = JSON.parse(readFileSync(clientsFile, 'utf8'));
const byId = new Map(clients.map((client) => [client.clientId, client]));
const DEFAULT_RESOURCE = 'urn:runcmd';
const DEFAULT_TTL_SECONDS = 300;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };

function ttlOf(clientId) {
  return byId.get(clientId)?.ttlSeconds || DEFAULT_TTL_SECONDS;
}

const provider = new Provider(issuer, {
  clients: [
    ...clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    })),
    {
      client_id: 'runcmd-cli',
      token_endpoint_auth_method: 'none',
      grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
      response_types: [],
      redirect_uris: [],
    },
  ],
  jwks: { keys: [signingKey] },
  features: {
    clientCredentials: { enabled: true },
    deviceFlow: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => DEFAULT_RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resource, client) => ({
        scope: 'runcmd',
        audience: resource,
        accessTokenFormat: 'jwt',
        accessTokenTTL: ttlOf(client.clientId),
      }),
    },
  },
  ttl: {
    AccessToken: (ctx, token, client) => ttlOf(client.clientId),
    ClientCredentials: (ctx, token, client) => ttlOf(client.clientId),
  },
  formats: {
    customizers: {
      jwt: (ctx, token, jwt) => {
        const client = byId.get(token.clientId);
        if (client?.ageSeconds) {
          jwt.payload.iat -= client.ageSeconds;
          jwt.payload.exp -= client.ageSeconds;
        }
        if (client?.notBeforeSeconds !== undefined) {
          jwt.payload.nbf = jwt.payload.iat + client.notBeforeSeconds;
        }
        Object.assign(jwt.payload, client?.claims || {});
      },
    },
  },
});

createServer(provider.callback()).listen(Number(port), '127.0.0.1', () => {
  console.log(`oidc-provider ready ${issuer}`);
});
