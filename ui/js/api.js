// api.js -- talking to the tasksched API: the key kept in sessionStorage and
// one request helper that turns every answer into {ok, status, body, error}.

const KEY_NAME = 'tasksched.apiKey';

export function getKey() {
	return sessionStorage.getItem(KEY_NAME) || '';
}

export function setKey(key) {
	sessionStorage.setItem(KEY_NAME, key);
}

export function forgetKey() {
	sessionStorage.removeItem(KEY_NAME);
}

// Raised when the server refuses the key (401): the page then asks for
// another one instead of showing the failed view.
export class AuthError extends Error {
	constructor(message) {
		super(message);
		this.name = 'AuthError';
	}
}

// Plain words for what an answer without a usable JSON body means.
function describe(status, body) {
	if (body && typeof body.error === 'string') {
		return body.field && !body.error.includes(body.field) ? `${body.error} (field: ${body.field})` : body.error;
	}
	if (status === 0) return 'The server did not answer (network error).';
	if (status === 503) return 'The database is unavailable (503); try again shortly.';
	return `The server answered ${status}.`;
}

// request -- one call to the API with the stored key.
//   method, path: e.g. 'GET', '/tasks?limit=10' (always this origin)
//   opts.json: a body to send as JSON; opts.headers: extra headers;
//   opts.text: read the body as text instead of JSON; opts.key: a key to
//   use instead of the stored one (to check a key before keeping it).
// Resolves to {ok, status, body, error, headers}; a 401 throws AuthError,
// since no view can go on without a valid key.
export async function request(method, path, opts = {}) {
	const headers = { Accept: opts.text ? 'text/plain' : 'application/json' };
	const key = opts.key !== undefined ? opts.key : getKey();
	if (key && !opts.anonymous) headers.Authorization = `Bearer ${key}`;
	let body;
	if (opts.json !== undefined) {
		headers['Content-Type'] = 'application/json';
		body = JSON.stringify(opts.json);
	} else if (method === 'POST') {
		// The API wants a JSON body or none at all; an empty one is none.
		body = '';
	}
	Object.assign(headers, opts.headers || {});
	let resp;
	try {
		resp = await fetch(path, {
			method, headers, body,
			cache: 'no-store',
			credentials: 'omit',
			redirect: 'error',
		});
	} catch (e) {
		return { ok: false, status: 0, body: null, error: describe(0, null), headers: null };
	}
	let parsed = null;
	try {
		parsed = opts.text ? await resp.text() : await resp.json();
	} catch (e) {
		parsed = null;
	}
	if (resp.status === 401 && !opts.anonymous) {
		throw new AuthError(describe(401, parsed));
	}
	return {
		ok: resp.ok,
		status: resp.status,
		body: parsed,
		error: resp.ok ? '' : describe(resp.status, opts.text ? null : parsed),
		headers: resp.headers,
	};
}

// A route this server does not have yet (an older tasksched): 404 with the
// router's "not_found" code, or 405 for a path it knows with other methods.
export function missingRoute(r) {
	return r.status === 405 ||
		(r.status === 404 && r.body && r.body.code === 'not_found' &&
		 /route/i.test(r.body.error || ''));
}
