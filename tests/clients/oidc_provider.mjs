// A certified OpenID provider (npm `oidc-provider`, as it ships, with its development login and
// consent pages) on loopback for netclaw's login tests, in front of a small OpenAI-compatible
// API that accepts only the access tokens this provider issued.
//
// Usage: node oidc_provider.mjs <exact redirect URI of the "web" client>
// Prints one JSON line `{"issuer": …}` once it listens; then serves until killed.
//
// Clients:
// - `netclaw-web`: a web client registered with exactly the redirect URI given.
// - `netclaw-native`: a native client whose loopback redirect `http://127.0.0.1/auth/callback`
//   matches any port (RFC 8252 §7.3), and which may use the device flow (RFC 8628).
// Both are public (no secret) and must use PKCE.
//
// Test hooks, outside the OAuth surface:
// - `GET /test/log`: what netclaw sent to the authorize, device authorization and token
//   endpoints (parameters, secrets and per-run values replaced by their names).
// - `POST /test/expire`: every access token issued so far stops working at the API, as if its
//   lifetime had passed.
import http from 'node:http';
import Provider from 'oidc-provider';

const webRedirect = process.argv[2];
if (!webRedirect) {
  console.error('usage: node oidc_provider.mjs <web client redirect URI>');
  process.exit(2);
}

const log = [];
// Access tokens issued so far, and those `/test/expire` ended.
const issued = new Set();
let expired = new Set();

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'netclaw-web',
      application_type: 'web',
      token_endpoint_auth_method: 'none',
      redirect_uris: [webRedirect],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
    {
      client_id: 'netclaw-native',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://127.0.0.1/auth/callback'],
      grant_types: [
        'authorization_code',
        'refresh_token',
        'urn:ietf:params:oauth:grant-type:device_code',
      ],
      response_types: ['code'],
    },
  ],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: `${id}@example.test`, email_verified: true, name: id };
      },
    };
  },
  features: {
    deviceFlow: { enabled: true },
    revocation: { enabled: true },
  },
  cookies: { keys: ['netclaw-test-cookie-key'] },
  // The id_token carries the scopes' claims (email), as many deployments configure it.
  conformIdTokenClaims: false,
});

// What netclaw sends, as oidc-provider parsed it.
const LOGGED = new Set(['/auth', '/device/auth', '/token']);
const PER_RUN = new Set([
  'code', 'code_verifier', 'code_challenge', 'state', 'refresh_token', 'device_code', 'nonce',
]);
provider.use(async (ctx, next) => {
  await next();
  if (!LOGGED.has(ctx.path)) return;
  const params = ctx.method === 'GET'
    ? Object.fromEntries(new URLSearchParams(ctx.querystring))
    : { ...(ctx.oidc?.body ?? {}) };
  for (const key of Object.keys(params)) {
    if (PER_RUN.has(key)) params[key] = `<${key}>`;
  }
  if (params.redirect_uri) {
    params.redirect_uri = params.redirect_uri.replace(/:\d+\//, ':<port>/');
  }
  log.push({ endpoint: ctx.path, method: ctx.method, status: ctx.status, params });
});

provider.on('access_token.saved', (token) => issued.add(token.jti));

const oidc = provider.callback();

server.on('request', async (req, res) => {
  const url = new URL(req.url, issuer);
  try {
    if (url.pathname === '/test/log') return json(res, 200, log);
    if (url.pathname === '/test/expire' && req.method === 'POST') {
      expired = new Set(issued);
      return json(res, 200, { expired: true });
    }
    if (url.pathname.startsWith('/v1/')) return api(req, res, url);
    return oidc(req, res);
  } catch (error) {
    return json(res, 500, { error: { message: String(error), type: 'server_error' } });
  }
});

async function api(req, res, url) {
  const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
  const token = bearer ? await provider.AccessToken.find(bearer) : undefined;
  if (!token || token.isExpired || expired.has(token.jti)) {
    return json(res, 401, {
      error: { message: 'invalid or expired access token', type: 'invalid_request_error', code: 'invalid_token' },
    });
  }
  if (url.pathname === '/v1/models') {
    return json(res, 200, {
      object: 'list',
      data: [{ id: 'peer-model', object: 'model', created: 0, owned_by: 'oidc-peer' }],
    });
  }
  if (url.pathname === '/v1/chat/completions' && req.method === 'POST') {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const request = JSON.parse(Buffer.concat(chunks).toString());
    const text = `hello ${token.accountId}`;
    if (!request.stream) {
      return json(res, 200, {
        id: 'c1', object: 'chat.completion', created: 0, model: request.model,
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
      });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = (delta, finish) => ({
      id: 'c1', object: 'chat.completion.chunk', created: 0, model: request.model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
    res.write(`data: ${JSON.stringify(chunk({ role: 'assistant', content: text }, null))}\n\n`);
    res.write(`data: ${JSON.stringify(chunk({}, 'stop'))}\n\n`);
    res.write('data: [DONE]\n\n');
    return res.end();
  }
  return json(res, 404, { error: { message: `no route for ${url.pathname}`, type: 'invalid_request_error' } });
}

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

console.log(JSON.stringify({ issuer }));
