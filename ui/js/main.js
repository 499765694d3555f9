// main.js -- the dashboard's entry point: asks for the API key, routes
// "#/..." hashes to the views, and shows what went wrong in plain words.

import { AuthError, forgetKey, getKey, request, setKey } from './api.js';
import { h } from './dom.js';
import { renderOverview, stopSampling } from './overview.js';
import { renderList } from './list.js';
import { renderDetail } from './detail.js';
import { renderCreate } from './create.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const signout = document.getElementById('signout');
const flashBox = document.getElementById('flash');

// flash -- a message above the view, read out by screen readers.
export function flash(text, kind = 'info') {
	flashBox.replaceChildren();
	if (!text) return;
	flashBox.append(h('p', { class: `msg ${kind}` }, text,
		h('button', { type: 'button', class: 'quiet close', 'aria-label': 'Dismiss message', onclick: () => flash('') }, '×')));
}

function parseHash() {
	const raw = location.hash.replace(/^#/, '') || '/';
	const [path, query = ''] = raw.split('?');
	return { path, params: new URLSearchParams(query) };
}

// go -- show HASH, then MESSAGE in the flash: the hashchange handler clears
// the flash, so the message is set after it ran.
function go(hash, message, kind) {
	if (location.hash === hash) {
		route().then(() => message && flash(message, kind));
		return;
	}
	const once = () => {
		window.removeEventListener('hashchange', once);
		setTimeout(() => message && flash(message, kind), 0);
	};
	window.addEventListener('hashchange', once);
	location.hash = hash;
}

// Each view draws into a fresh <section> and gets the tools to move on.
const ctx = {
	flash,
	go,
	refresh() {
		route();
	},
};

function showLogin(message) {
	stopSampling();
	nav.hidden = true;
	signout.hidden = true;
	const input = h('input', {
		id: 'key', name: 'key', type: 'password', autocomplete: 'off', spellcheck: 'false',
		required: true, 'aria-describedby': 'key-help', placeholder: 'tsk_…',
	});
	const error = h('p', { id: 'login-error', class: 'error', role: 'alert' }, message || '');
	const button = h('button', { type: 'submit', class: 'primary' }, 'Use this key');
	const form = h('form', { class: 'card login', novalidate: true },
		h('h1', { tabindex: '-1' }, 'Sign in'),
		h('p', null, 'Paste an API key. It is kept in this browser tab only (sessionStorage) and sent as an Authorization header, never in a URL.'),
		h('label', { for: 'key' }, 'API key'),
		input,
		h('p', { id: 'key-help', class: 'muted' }, 'An administrator makes one with: tasksched-admin key create NAME'),
		error,
		button);
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const key = input.value.trim();
		if (!key) {
			error.textContent = 'Enter an API key.';
			input.focus();
			return;
		}
		button.disabled = true;
		error.textContent = 'Checking the key…';
		try {
			const r = await request('GET', '/tasks?limit=1', { key });
			if (!r.ok) {
				error.textContent = `Could not check the key: ${r.error}`;
				return;
			}
			setKey(key);
			input.value = '';
			flash('');
			route();
		} catch (e) {
			if (!(e instanceof AuthError)) throw e;
			error.textContent = 'This API key was refused (401 Unauthorized). Check that you pasted the whole key and that it has not been revoked.';
			input.setAttribute('aria-invalid', 'true');
			input.select();
		} finally {
			button.disabled = false;
		}
	});
	main.replaceChildren(form);
	input.focus();
}

function markNav(path) {
	const current = path === '/' ? 'overview' : path === '/new' ? 'new' : path.startsWith('/tasks') ? 'tasks' : '';
	for (const a of nav.querySelectorAll('a')) {
		if (a.dataset.nav === current) a.setAttribute('aria-current', 'page');
		else a.removeAttribute('aria-current');
	}
}

let routeSeq = 0;

async function route() {
	if (location.hash && !location.hash.startsWith('#/')) {
		// The skip link's "#main": move focus, keep the view.
		main.focus();
		return;
	}
	if (!getKey()) {
		showLogin();
		return;
	}
	nav.hidden = false;
	signout.hidden = false;
	const { path, params } = parseHash();
	markNav(path);
	const seq = ++routeSeq;
	const section = h('section', { 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading…'));
	main.replaceChildren(section);
	if (path !== '/') stopSampling();
	try {
		let m;
		if (path === '/') await renderOverview(section, params, ctx);
		else if (path === '/tasks') await renderList(section, params, ctx);
		else if ((m = /^\/tasks\/([0-9a-fA-F-]{1,64})$/.exec(path))) await renderDetail(section, m[1], ctx);
		else if (path === '/new') await renderCreate(section, params, ctx);
		else section.replaceChildren(h('h1', { tabindex: '-1' }, 'Not found'), h('p', null, 'No such page. ', h('a', { href: '#/' }, 'Go to the overview.')));
	} catch (e) {
		if (e instanceof AuthError) {
			forgetKey();
			showLogin('The server refused the API key (401 Unauthorized): it may have been revoked. Paste a valid key.');
			return;
		}
		section.replaceChildren(h('h1', { tabindex: '-1' }, 'Something went wrong'), h('p', { class: 'error' }, String(e && e.message ? e.message : e)));
	}
	if (seq !== routeSeq) return;
	section.removeAttribute('aria-busy');
	// Move focus to the new view's heading, as a page load would.
	const h1 = section.querySelector('h1');
	if (h1 && document.activeElement && !section.contains(document.activeElement)) h1.focus({ preventScroll: false });
}

signout.addEventListener('click', () => {
	forgetKey();
	sessionStorage.clear();
	go('#/', 'The API key is forgotten in this tab.', 'ok');
});

window.addEventListener('hashchange', () => {
	flash('');
	route();
});

route();
