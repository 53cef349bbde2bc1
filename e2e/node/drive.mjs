// drive.mjs makes one call with a published Dopt users client, unchanged,
// against the server named by ROLLCALL_URL, and prints one JSON line saying
// what the client returned or threw. The Go tests in e2e/ run it and check
// the line and the server's state.
//
// Usage: ROLLCALL_URL=http://127.0.0.1:PORT ROLLCALL_KEY=KEY \
//          node drive.mjs node|browser identifyUser|identifyUsers|identifyGroup 'JSON'

import * as nodeClient from '@dopt/users-javascript-client';
import * as browserClient from '@dopt/users-javascript-browser-client';

const packages = { node: nodeClient, browser: browserClient };

// errorClass names the client's error class; the published bundles are
// minified, so constructor names are useless and instanceof is needed.
function errorClass(pkg, err) {
  for (const name of ['BadRequestError', 'UnauthorizedError', 'InternalServerError']) {
    if (err instanceof pkg.DoptApi[name]) {
      return name;
    }
  }
  if (err instanceof pkg.DoptApiError) {
    return 'DoptApiError';
  }
  return 'Error';
}

async function main() {
  const [which, method, payload] = process.argv.slice(2);
  const pkg = packages[which];
  if (!pkg || payload === undefined) {
    throw new Error('usage: node drive.mjs node|browser METHOD JSON');
  }

  const client = new pkg.DoptApiClient({
    apiKey: process.env.ROLLCALL_KEY,
    environment: process.env.ROLLCALL_URL,
  });
  const calls = {
    identifyUser: (body) => client.users.identifyUser(body),
    identifyUsers: (body) => client.users.identifyUsers(body),
    identifyGroup: (body) => client.groups.identifyGroup(body),
  };
  if (!calls[method]) {
    throw new Error(`unknown method ${method}`);
  }

  try {
    const result = await calls[method](JSON.parse(payload));
    console.log(JSON.stringify({ ok: true, result: result ?? null }));
  } catch (err) {
    console.log(JSON.stringify({
      ok: false,
      errorClass: errorClass(pkg, err),
      statusCode: err.statusCode ?? null,
      body: err.body ?? null,
      message: err.message,
    }));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
