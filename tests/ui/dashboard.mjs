// dashboard.mjs -- drives Debian's chromium through the dashboard at /ui/ as
// an operator would, against a running stack (started by dashboard.test),
// and prints one "ok - ..." / "not ok - ..." line per check.
//
// Environment: TS_BASE (http://127.0.0.1:PORT), TS_KEY (an API key),
// TS_SHOTS (a directory for screenshots), TS_CHROMIUM (the browser),
// TS_SQL (a command that runs SQL from its standard input in the database).

import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import puppeteer from 'puppeteer-core';

const BASE = process.env.TS_BASE;
const KEY = process.env.TS_KEY;
const SHOTS = process.env.TS_SHOTS;
const ORIGIN = new URL(BASE).origin;
const DESKTOP = { width: 1280, height: 800 };
// isMobile would make every viewport change reload the page (and lose a
// half-filled form): a phone's width is what the layout reacts to.
const PHONE = { width: 390, height: 844 };

let failed = 0;
let passed = 0;
function ok(cond, desc, ...notes) {
	if (cond) {
		passed++;
		console.log(`ok - ${desc}`);
	} else {
		failed++;
		console.log(`not ok - ${desc}`);
		for (const n of notes) console.log(`#   ${typeof n === 'string' ? n : JSON.stringify(n)}`);
	}
	return cond;
}

function sql(text) {
	return execFileSync('/bin/sh', ['-c', process.env.TS_SQL], { input: text, encoding: 'utf8' }).trim();
}

async function api(method, path, body) {
	const headers = { Authorization: `Bearer ${KEY}` };
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	const r = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
	let json = null;
	try {
		json = await r.json();
	} catch (e) {
		json = null;
	}
	return { status: r.status, body: json };
}

// Counts by status and the backlog as the API tells them.
async function apiCounts() {
	const out = {};
	for (const st of ['scheduled', 'paused', 'running', 'completed', 'failed']) {
		const r = await api('GET', `/tasks?status=${st}&limit=1000`);
		if (r.status === 200) out[st] = String(r.body.tasks.length);
	}
	const s = await api('GET', '/tasks?status=scheduled&limit=1000');
	out.due = String(s.body.tasks.filter((t) => Date.parse(t.run_at) <= Date.now()).length);
	return out;
}

// Whether the server has a route: an unknown task id gives "Task not
// found"-like 404s on real routes, "No such route" or 405 on missing ones.
async function hasRoute(method, path) {
	const r = await api(method, path);
	// The web server's own 404 (not JSON) when the snippet does not pass
	// the path on counts as missing too.
	return !(r.status === 405 || (r.status === 404 && (!r.body || /route/i.test(r.body.error || ''))));
}

const browser = await puppeteer.launch({
	executablePath: process.env.TS_CHROMIUM || '/usr/bin/chromium',
	headless: true,
	args: [
		...(process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : []),
		'--disable-gpu', '--no-first-run', '--no-default-browser-check',
		'--disable-background-networking', '--disable-component-update',
		'--disable-sync', '--disable-extensions', '--metrics-recording-only',
	],
});

const page = await browser.newPage();
const requests = [];
const consoleErrors = [];
const pageErrors = [];
page.on('request', (req) => requests.push(req.url()));
page.on('console', (m) => {
	// A 4xx the page handles (the wrong key's 401, a route this server
	// lacks) is logged by Chromium as "Failed to load resource"; CSP
	// violations are collected on their own below.
	if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) consoleErrors.push(m.text());
});
page.on('pageerror', (e) => pageErrors.push(String(e)));
page.on('dialog', (d) => d.accept());
await page.evaluateOnNewDocument(() => {
	window.__csp = [];
	document.addEventListener('securitypolicyviolation', (e) => {
		window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
	});
});
await page.setViewport(DESKTOP);

mkdirSync(SHOTS, { recursive: true });
const shotNames = [];

// shots NAME -- the page at 1280x800 and at 390 px wide (full page), and
// a check that nothing is wider than a phone's screen.
async function shots(name) {
	await page.setViewport(DESKTOP);
	await settle();
	await page.screenshot({ path: `${SHOTS}/${name}-desktop.png`, fullPage: true });
	await page.setViewport(PHONE);
	await settle();
	await page.screenshot({ path: `${SHOTS}/${name}-phone.png`, fullPage: true });
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	ok(overflow <= 0, `${name}: nothing wider than a 390 px screen`, `overflow by ${overflow} px`);
	await page.setViewport(DESKTOP);
	await settle();
	shotNames.push(name);
}

async function settle() {
	await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), { timeout: 10000 });
	await new Promise((r) => setTimeout(r, 300));
}

async function heading() {
	return page.$eval('main h1', (e) => e.textContent.trim()).catch(() => '');
}

async function flashText() {
	return page.$eval('#flash', (e) => e.textContent.trim()).catch(() => '');
}

async function waitHeading(re) {
	await page.waitForFunction((src) => {
		const h = document.querySelector('main h1');
		return h && new RegExp(src).test(h.textContent) && !document.querySelector('[aria-busy="true"]');
	}, { timeout: 10000 }, re.source);
}

async function waitFlash(re) {
	try {
		await page.waitForFunction((src) => new RegExp(src, 'i').test(document.getElementById('flash').textContent), { timeout: 10000 }, re.source);
		return true;
	} catch (e) {
		return false;
	}
}

try {
	// --- signing in --------------------------------------------------------
	const resp = await page.goto(`${BASE}/ui/`, { waitUntil: 'networkidle0' });
	const csp = resp.headers()['content-security-policy'] || '';
	ok(/default-src 'self'/.test(csp) && /frame-ancestors 'none'/.test(csp) && !/unsafe-inline/.test(csp),
		'/ui/ is served with a strict Content-Security-Policy', csp);
	await page.waitForSelector('#key');
	ok(await page.evaluate(() => document.activeElement && document.activeElement.id === 'key'),
		'the sign-in page puts the focus in the key field');
	await shots('login');

	await page.keyboard.type('tsk_this-is-not-a-key');
	await page.keyboard.press('Enter');
	await page.waitForFunction(() => /refused/.test(document.getElementById('login-error').textContent), { timeout: 10000 });
	const refusal = await page.$eval('#login-error', (e) => e.textContent);
	ok(/API key was refused \(401/.test(refusal), 'a wrong key is refused with a clear message', refusal);
	ok(await page.evaluate(() => sessionStorage.length === 0), 'a refused key is not kept');
	await shots('login-refused');

	await page.click('#key', { clickCount: 3 });
	await page.keyboard.type(KEY);
	await page.keyboard.press('Enter');
	await waitHeading(/Overview/);
	ok(true, 'signing in with a valid key shows the overview');
	ok(await page.evaluate((k) => Object.values(sessionStorage).includes(k), KEY), 'the key is kept in sessionStorage');
	ok(await page.evaluate(() => localStorage.length === 0 && document.cookie === ''), 'nothing is kept in localStorage or cookies');

	// --- overview ------------------------------------------------------------
	const shown = await page.$$eval('[data-count]', (els) => Object.fromEntries(els.map((e) => [e.dataset.count, e.textContent.trim()])));
	const want = await apiCounts();
	for (const st of ['scheduled', 'completed', 'failed', 'running']) {
		ok(shown[st] === want[st], `overview: ${st} count matches the API (${want[st]})`, { shown: shown[st] });
	}
	if (want.paused !== undefined) ok(shown.paused === want.paused, `overview: paused count matches the API (${want.paused})`, { shown: shown.paused });
	ok(shown.due === want.due, `overview: the backlog (due tasks) matches the API (${want.due})`, { shown: shown.due });
	ok(shown.oldest && shown.oldest !== 'none' && /\d/.test(shown.oldest), 'overview: the oldest wait is shown', shown.oldest);
	const charts = await page.$$eval('#charts svg.chart', (els) => els.length);
	const chartNote = await page.$eval('#charts', (e) => e.textContent);
	ok(charts === 2 || /No charts: .*(metrics|403|404)/.test(chartNote),
		'overview: the last hour is charted, or the page says why not', chartNote.slice(0, 200));
	if (charts === 2) {
		// A second sample makes the rates drawable: a point per outcome.
		await page.click('#refresh');
		await page.waitForFunction(() => document.querySelectorAll('#charts svg.chart')[1] &&
			document.querySelectorAll('#charts svg.chart')[1].querySelectorAll('circle').length >= 4, { timeout: 10000 })
			.then(() => ok(true, 'overview: the throughput chart draws a rate from two /metrics samples'))
			.catch(() => ok(false, 'overview: the throughput chart draws a rate from two /metrics samples'));
	}
	await shots('overview');

	// --- keyboard: the skip link, then from the header to the task list ----
	// A new view focuses its heading; Shift+Tab from there walks back
	// through the header to "Skip to content".
	let skip = false;
	for (let i = 0; i < 8 && !skip; i++) {
		await page.keyboard.down('Shift');
		await page.keyboard.press('Tab');
		await page.keyboard.up('Shift');
		skip = await page.evaluate(() => document.activeElement.id === 'skip-link');
	}
	ok(skip, 'keyboard: "Skip to content" is reachable');
	const skipBox = await page.$eval('#skip-link', (e) => {
		const r = e.getBoundingClientRect();
		return { left: r.left, outline: getComputedStyle(e).outlineStyle };
	});
	ok(skipBox.left >= 0 && skipBox.outline !== 'none', 'keyboard: the focused skip link is on screen with a focus outline', skipBox);
	let reached = false;
	for (let i = 0; i < 6 && !reached; i++) {
		await page.keyboard.press('Tab');
		reached = await page.evaluate(() => document.activeElement.dataset && document.activeElement.dataset.nav === 'tasks');
	}
	ok(reached, 'keyboard: Tab reaches the "Tasks" link');
	await page.keyboard.press('Enter');
	await waitHeading(/^Tasks/);
	ok(true, 'keyboard: Enter on the link opens the task list');

	// --- task list ------------------------------------------------------------
	const allRows = await page.$$eval('table.tasks tbody tr', (r) => r.length);
	const allApi = await api('GET', '/tasks?limit=25');
	ok(allRows === allApi.body.tasks.length, `list: one row per task (${allApi.body.tasks.length})`, { rows: allRows });
	// Choosing is not yet going (arrow keys in a closed select would
	// otherwise load a page per key): "Show" applies the filter.
	await page.select('#status', 'failed');
	await page.click('form.filter button[type=submit]');
	await waitHeading(/Tasks: failed/);
	const failedRows = await page.$$eval('table.tasks tbody tr', (r) => r.length);
	ok(String(failedRows) === want.failed, `list: the status filter shows the ${want.failed} failed tasks`, { rows: failedRows });
	await shots('list-failed');
	await page.goto(`${BASE}/ui/#/tasks?limit=25`, { waitUntil: 'networkidle0' });
	await waitHeading(/^Tasks/);
	const hasNext = await page.$('#next-page');
	ok(Boolean(hasNext) === (allApi.body.next_cursor !== null), 'list: "Next page" is offered exactly when the API has a next cursor');
	if (hasNext) {
		await page.click('#next-page');
		// "First page" is only on a page reached with a cursor.
		await page.waitForFunction(() => document.getElementById('first-page') && !document.querySelector('[aria-busy="true"]'), { timeout: 10000 });
		const cursor = new URLSearchParams(await page.evaluate(() => location.hash.split('?')[1])).get('cursor');
		const page2 = await api('GET', `/tasks?limit=25&cursor=${encodeURIComponent(cursor)}`);
		const ids = await page.$$eval('table.tasks tbody a.mono', (as) => as.map((a) => a.getAttribute('href').split('/').pop()));
		const want2 = page2.body.tasks.map((t) => t.task_id);
		ok(ids.length > 0 && JSON.stringify(ids) === JSON.stringify(want2), 'list: the next page shows the API\'s next page', { shown: ids, api: want2 });
	}
	await shots('list');

	// --- create ----------------------------------------------------------------
	await page.click('a[href="#/new"]');
	await waitHeading(/New task/);
	await page.click('input[name=action][value=message]');
	// A day ahead: the task must not fall due while the test pauses it.
	const tomorrow = new Date(Date.now() + 86400 * 1000).toISOString().slice(0, 19);
	await page.$eval('#run_at', (e, v) => {
		e.value = v;
		e.dispatchEvent(new Event('input', { bubbles: true }));
		e.dispatchEvent(new Event('change', { bubbles: true }));
	}, tomorrow);
	await page.type('#recipient', 'ops-team');
	await page.type('#message', 'created by the browser test');
	await page.select('#repeat', 'daily');
	await page.waitForFunction(() => !/Runs once/.test(document.getElementById('preview').textContent), { timeout: 10000 });
	const previewText = await page.$eval('#preview', (e) => e.textContent);
	const hasPreview = await hasRoute('GET', '/schedules/preview?recurrence=daily&run_at=2030-01-01T00:00:00Z');
	if (hasPreview) {
		ok(/Fires at/.test(previewText), 'create: the schedule preview lists the instants', previewText);
		// A zone: the preview shows each instant's local time too.
		await page.type('#timezone', 'Europe/Berlin');
		await page.waitForFunction(() => /local .*\+0[12]:00/.test(document.getElementById('preview').textContent), { timeout: 10000 })
			.then(() => ok(true, 'create: with a time zone, the preview shows local times'))
			.catch(async () => ok(false, 'create: with a time zone, the preview shows local times', await page.$eval('#preview', (e) => e.textContent)));
	} else ok(/First run at .*not available/.test(previewText), 'create: without the preview route, the form shows the plain run_at', previewText);
	await shots('create');
	// A field the API rejects is shown at that field.
	await page.click('input[name=action][value=webhook]');
	await page.type('#url', 'ftp://example.org/x');
	await page.click('button[type=submit]');
	await page.waitForFunction(() => document.getElementById('form-error').textContent.length > 0, { timeout: 10000 });
	const urlError = await page.$eval('[data-field=url] .field-error', (e) => e.textContent);
	ok(/url/i.test(urlError) && await page.$eval('#url', (e) => e.getAttribute('aria-invalid') === 'true'),
		'create: the API\'s 400 is shown at the field it names', urlError);
	await shots('create-error');
	await page.click('input[name=action][value=message]');
	await page.click('button[type=submit]');
	await page.waitForFunction(() => document.getElementById('task-id'), { timeout: 10000 });
	await settle();
	const newId = await page.$eval('#task-id', (e) => e.textContent);
	const created = await api('GET', `/tasks/${newId}`);
	ok(created.status === 200 && created.body.task.payload.recipient === 'ops-team' && created.body.task.recurrence === 'daily',
		'create: the task is stored as entered', created.body);
	ok(/Task scheduled/.test(await flashText()), 'create: the page says the task was scheduled');
	const nextShown = await page.$$eval('ol.occurrences li', (li) => li.length);
	if (hasPreview) ok(nextShown >= 2, 'detail: the next occurrences of the series are listed', { nextShown });
	else ok(/Next run at .*then daily/.test(await page.$eval('main', (e) => e.textContent)), 'detail: without the preview, the next run_at is shown');
	await shots('detail');

	await page.click('a[data-nav=tasks]');
	await waitHeading(/^Tasks/);
	await page.goto(`${BASE}/ui/#/tasks?status=scheduled&limit=100`, { waitUntil: 'networkidle0' });
	await waitHeading(/Tasks: scheduled/);
	ok(Boolean(await page.$(`a[href="#/tasks/${newId}"]`)), 'list: the new task is listed');
	await page.click(`a[href="#/tasks/${newId}"]`);
	await page.waitForFunction((id) => document.getElementById('task-id') && document.getElementById('task-id').textContent === id, { timeout: 10000 }, newId);
	ok(true, 'detail: the task\'s page opens from the list');
	const payloadShown = await page.$eval('pre.json', (e) => JSON.parse(e.textContent));
	ok(payloadShown.recipient === 'ops-team', 'detail: the payload is shown');

	// --- pause and resume --------------------------------------------------------
	const canPause = await hasRoute('POST', '/tasks/00000000-0000-0000-0000-000000000000/pause');
	await page.click('#pause');
	if (canPause) {
		ok(await waitFlash(/Paused/), 'pause: the page confirms');
		await page.waitForSelector('#resume');
		const paused = (await api('GET', `/tasks/${newId}`)).body.task;
		ok(paused.status === 'paused', 'pause: the task is paused', { status: paused.status });
		await shots('detail-paused');
		await page.click('#resume');
		ok(await waitFlash(/Resumed/), 'resume: the page confirms');
		const resumed = (await api('GET', `/tasks/${newId}`)).body.task;
		ok(resumed.status === 'scheduled', 'resume: the task is scheduled again', { status: resumed.status, run_at: resumed.run_at });
	} else {
		ok(await waitFlash(/cannot pause tasks yet/), 'pause: a server without the route gets a plain message', await flashText());
	}

	// --- delete ---------------------------------------------------------------------
	await page.waitForSelector('#delete');
	await page.click('#delete');
	await waitHeading(/^Tasks/);
	ok(/Deleted task/.test(await flashText()), 'delete: the page confirms');
	ok((await api('GET', `/tasks/${newId}`)).status === 404, 'delete: the task is gone');

	// --- redrive one failed task -------------------------------------------------------
	const failedList = (await api('GET', '/tasks?status=failed')).body.tasks;
	const victim = failedList[0].task_id;
	await page.goto(`${BASE}/ui/#/tasks/${victim}`, { waitUntil: 'networkidle0' });
	await page.waitForSelector('#retry');
	await settle();
	ok(await page.$$eval('table.runs tbody tr', (r) => r.length) >= 1, 'detail: a failed task shows its runs');
	await shots('detail-failed');
	await page.click('#retry');
	ok(await waitFlash(/Redriven/), 'retry: the page confirms');
	ok((await api('GET', `/tasks/${victim}`)).body.task.status === 'scheduled', 'retry: the failed task is scheduled again');

	// --- redrive all failed ---------------------------------------------------------------
	// One more failed task, set by SQL as an operator's database would have it.
	sql(`UPDATE tasks SET status='failed', error_message='HTTP 500 (set by the test)' WHERE id = (SELECT id FROM (SELECT id FROM tasks WHERE status='scheduled' AND run_at > NOW(6) ORDER BY run_at DESC LIMIT 1) x)`);
	const before = (await api('GET', '/tasks?status=failed')).body.tasks.length;
	const canBulk = await hasRoute('POST', '/tasks/retry?status=failed&limit=0');
	await page.goto(`${BASE}/ui/#/`, { waitUntil: 'networkidle0' });
	await waitHeading(/Overview/);
	await page.click('#redrive-all');
	if (canBulk) {
		ok(await waitFlash(new RegExp(`Redrove ${before} failed task`)), `redrive all: the page says ${before} tasks were redriven`, await flashText());
		ok((await api('GET', '/tasks?status=failed')).body.tasks.length === 0, 'redrive all: no failed task is left');
	} else {
		ok(await waitFlash(/no bulk redrive/), 'redrive all: a server without the route gets a plain message', await flashText());
		ok((await api('GET', '/tasks?status=failed')).body.tasks.length === before, 'redrive all: nothing changed');
	}
	await shots('overview-after');

	// --- forgetting the key ------------------------------------------------------------------
	await page.click('#signout');
	await page.waitForSelector('#key');
	ok(await page.evaluate(() => sessionStorage.length === 0), 'forget key: sessionStorage is empty');

	// --- what the page did overall ----------------------------------------------------------------
	const foreign = requests.filter((u) => !u.startsWith(`${ORIGIN}/`) && !u.startsWith('data:'));
	ok(foreign.length === 0, `no request went to another host (${requests.length} requests)`, ...foreign.slice(0, 5));
	ok(!requests.some((u) => u.includes(KEY) || /tsk_/.test(u)), 'no URL carried an API key');
	const csps = await page.evaluate(() => window.__csp);
	ok(csps.length === 0, 'no Content-Security-Policy violation', ...csps);
	ok(consoleErrors.length === 0, 'no error in the console', ...consoleErrors.slice(0, 5));
	ok(pageErrors.length === 0, 'no uncaught exception in the page', ...pageErrors.slice(0, 5));
} catch (e) {
	ok(false, `the walk through the dashboard went on to the end (${e.message})`, String(e.stack).split('\n').slice(0, 4).join(' | '));
	try {
		await page.screenshot({ path: `${SHOTS}/failure.png`, fullPage: true });
		console.log(`# screenshot of the failure: ${SHOTS}/failure.png; page: ${await heading()}`);
	} catch (e2) {
		// The browser itself is gone.
	}
} finally {
	await browser.close();
}
console.log(`# screenshots (${shotNames.length} pages, desktop and phone): ${SHOTS}`);
console.log(`# browser walk: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
