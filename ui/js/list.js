// list.js -- the task list: a status filter and keyset paging with the
// API's cursor; the filter and cursor live in the hash, so a page can be
// bookmarked and the browser's back button pages back.

import { request } from './api.js';
import { h, schedule, statusBadge, taskTarget, timeEl } from './dom.js';
import { STATUSES, redriveButton } from './overview.js';

const LIMITS = [25, 50, 100];

function listHash(status, limit, cursor) {
	const q = new URLSearchParams();
	if (status) q.set('status', status);
	if (limit !== 25) q.set('limit', String(limit));
	if (cursor) q.set('cursor', cursor);
	const s = q.toString();
	return s ? `#/tasks?${s}` : '#/tasks';
}

function row(t) {
	return h('tr', null,
		h('td', { 'data-label': 'Runs at' }, timeEl(t.run_at)),
		h('td', { 'data-label': 'Status' }, statusBadge(t.status)),
		h('td', { 'data-label': 'Action' }, t.action),
		h('td', { 'data-label': 'Target', class: 'wrap' }, taskTarget(t)),
		h('td', { 'data-label': 'Schedule' }, schedule(t)),
		h('td', { 'data-label': 'Attempts' }, `${t.attempts} / ${t.max_attempts}`),
		h('td', { 'data-label': 'Task', class: 'wrap' }, h('a', { href: `#/tasks/${t.task_id}`, class: 'mono id' }, t.task_id)));
}

export async function renderList(section, params, ctx) {
	const status = params.get('status') || '';
	let limit = Number(params.get('limit') || 25);
	if (!LIMITS.includes(limit)) limit = 25;
	const cursor = params.get('cursor') || '';
	const q = new URLSearchParams({ limit: String(limit) });
	if (status) q.set('status', status);
	if (cursor) q.set('cursor', cursor);
	const r = await request('GET', `/tasks?${q}`);

	const select = h('select', { id: 'status', name: 'status' },
		h('option', { value: '' }, 'all'),
		STATUSES.map((s) => h('option', { value: s, selected: s === status }, s)));
	const limitSel = h('select', { id: 'limit', name: 'limit' },
		LIMITS.map((n) => h('option', { value: String(n), selected: n === limit }, String(n))));
	const filter = h('form', { class: 'filter', role: 'search', 'aria-label': 'Filter tasks' },
		h('div', { class: 'field' }, h('label', { for: 'status' }, 'Status'), select),
		h('div', { class: 'field' }, h('label', { for: 'limit' }, 'Per page'), limitSel),
		h('button', { type: 'submit' }, 'Show'));
	filter.addEventListener('submit', (ev) => {
		ev.preventDefault();
		ctx.go(listHash(select.value, Number(limitSel.value), ''));
	});

	const head = h('div', { class: 'title-row' },
		h('h1', { tabindex: '-1' }, status ? `Tasks: ${status}` : 'Tasks'),
		h('div', { class: 'actions' },
			h('a', { class: 'button primary', href: '#/new' }, 'New task'),
			status === 'failed' ? redriveButton((m) => ctx.go(listHash(status, limit, ''), m.text, m.kind)) : null));
	if (!r.ok) {
		section.replaceChildren(head, filter, h('p', { class: 'error', role: 'alert' }, r.error));
		return;
	}
	const tasks = r.body.tasks;
	const body = tasks.length
		? h('table', { class: 'tasks' },
			h('caption', { class: 'sr-only' }, `${tasks.length} tasks, ordered by run time`),
			h('thead', null, h('tr', null, ['Runs at (UTC)', 'Status', 'Action', 'Target', 'Schedule', 'Attempts', 'Task'].map((c) => h('th', { scope: 'col' }, c)))),
			h('tbody', null, tasks.map(row)))
		: h('p', { class: 'empty' }, cursor ? 'No more tasks.' : `No ${status || ''} tasks.`.replace('  ', ' '));
	const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' },
		cursor ? h('a', { class: 'button', href: listHash(status, limit, ''), id: 'first-page' }, '« First page') : null,
		r.body.next_cursor ? h('a', { class: 'button', href: listHash(status, limit, r.body.next_cursor), id: 'next-page', rel: 'next' }, 'Next page »') : null);
	section.replaceChildren(head, filter, body, pager);
}
