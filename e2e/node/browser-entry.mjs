// browser-entry.mjs is bundled for the browser by browser-build.mjs. It puts
// one function on window, rollcallCall, that makes one call with the
// published browser client, unchanged, and resolves to the same outcome
// object that drive.mjs prints under Node, so the Go tests read both alike.

import { DoptApiClient, DoptApi, DoptApiError } from '@dopt/users-javascript-browser-client';

// errorClass names the client's error class; the published bundle is
// minified, so constructor names are useless and instanceof is needed.
function errorClass(err) {
  for (const name of ['BadRequestError', 'UnauthorizedError', 'InternalServerError']) {
    if (err instanceof DoptApi[name]) {
      return name;
    }
  }
  if (err instanceof DoptApiError) {
    return 'DoptApiError';
  }
  return err?.constructor?.name ?? 'Error';
}

// rollcallCall creates a client for environment (rollcall's base URL) and
// apiKey and calls method with body. It never rejects for a failed call:
// the outcome says what the client threw.
async function rollcallCall(environment, apiKey, method, body) {
  const client = new DoptApiClient({ apiKey, environment });
  const calls = {
    identifyUser: (b) => client.users.identifyUser(b),
    identifyUsers: (b) => client.users.identifyUsers(b),
    identifyGroup: (b) => client.groups.identifyGroup(b),
  };
  if (!calls[method]) {
    throw new Error(`unknown method ${method}`);
  }

  try {
    const result = await calls[method](body);
    return { ok: true, result: result ?? null };
  } catch (err) {
    return {
      ok: false,
      errorClass: errorClass(err),
      statusCode: err.statusCode ?? null,
      body: err.body ?? null,
      message: String(err.message),
    };
  }
}

window.rollcallCall = rollcallCall;
