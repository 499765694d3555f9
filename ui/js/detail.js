// detail.js -- one task: its fields, payload, runs and next occurrences,
// with the actions its status allows (pause, resume, retry, delete).

import { missingRoute, request } from './api.js';
import { fmtDuration, h, schedule, statusBadge, timeEl } from './dom.js';
import { previewList } from './preview.js';

function field(label, value) {
	return [h('dt', null, label), h('dd', null, value)];
}

function runsTable(runs) {
	if (!runs.length) return h('p', { class: 'empty' }, 'No attempt yet.');
	return h('table', { class: 'runs' },
		h('caption', { class: 'sr-only' }, 'Attempts, oldest first'),
		h('thead', null, h('tr', null, ['Attempt', 'Started (UTC)', 'Took', 'Outcome', 'HTTP', 'Error', 'Response'].map((c) => h('th', { scope: 'col' }, c)))),
		h('tbody', null, runs.map((r) => h('tr', null,
			h('td', { 'data-label': 'Attempt' }, String(r.attempt)),
			h('td', { 'data-label': 'Started' }, timeEl(r.started_at)),
			h('td', { 'data-label': 'Took', class: 'nowrap' }, r.finished_at ? fmtDuration((Date.parse(r.finished_at) - Date.parse(r.started_at)) / 1000) : 'running'),
			h('td', { 'data-label': 'Outcome' }, r.outcome ? h('span', { class: `badge oc-${r.outcome}` }, r.outcome) : '—'),
			h('td', { 'data-label': 'HTTP' }, r.http_status ? String(r.http_status) : '—'),
			h('td', { 'data-label': 'Error', class: 'wrap' }, r.error || '—'),
			h('td', { 'data-label': 'Response', class: 'wrap' }, r.response_excerpt
				? h('details', null, h('summary', null, `${r.response_excerpt.length} bytes`), h('pre', null, r.response_excerpt))
				: '—')))));
}

// The next few instants of a series, from the server's preview when it has
// one; a task that runs once (or a server without preview) shows run_at.
async function occurrences(task) {
	const recurring = task.recurrence || task.cron;
	if (!recurring || !['scheduled', 'paused'].includes(task.status)) {
		return h('p', null, task.status === 'scheduled' || task.status === 'paused' ? ['Runs once at ', timeEl(task.run_at), '.'] : 'None: the task is not waiting to run.');
	}
	const after = new Date(Date.parse(task.run_at) - 1).toISOString();
	const list = await previewList(task, after, 5);
	if (list.unavailable) {
		return h('p', null, 'Next run at ', timeEl(task.run_at), `, then ${schedule(task)}. (${list.unavailable})`);
	}
	if (list.error) return h('p', { class: 'error' }, list.error);
	const ends = task.ends_at ? Date.parse(task.ends_at) : Infinity;
	const items = list.occurrences.filter((o) => Date.parse(o.at) <= ends);
	if (!items.length) return h('p', null, 'None: the series has ended.');
	return h('ol', { class: 'occurrences' }, items.map((o) => h('li', null, timeEl(o.at),
		o.local && !/(Z|[+-]00:00)$/.test(o.local) ? h('span', { class: 'muted' }, ` (local ${o.local.replace('T', ' ')})`) : null,
		o.dst ? h('span', { class: 'badge' }, o.dst) : null)));
}

// One action button: POST (or DELETE) then show what happened.
function actionButton(label, idAndClass, run) {
	const [id, cls] = idAndClass.split(' ');
	return h('button', {
		type: 'button', id, class: cls,
		onclick: async (ev) => {
			ev.target.disabled = true;
			try {
				await run();
			} finally {
				ev.target.disabled = false;
			}
		},
	}, label);
}

function actions(task, ctx) {
	const here = `#/tasks/${task.task_id}`;
	const post = (verb, done) => async () => {
		const r = await request('POST', `/tasks/${task.task_id}/${verb}`);
		if (missingRoute(r)) ctx.flash(`This server cannot ${verb} tasks yet (${r.status}: ${r.error}).`, 'error');
		else if (!r.ok) ctx.flash(`Could not ${verb} the task: ${r.error}`, 'error');
		else ctx.go(here, done, 'ok');
	};
	const out = [];
	if (task.status === 'scheduled') out.push(actionButton('Pause', 'pause', post('pause', 'Paused: it will not run until resumed.')));
	if (task.status === 'paused') out.push(actionButton('Resume', 'resume', post('resume', 'Resumed.')));
	if (task.status === 'failed') out.push(actionButton('Retry', 'retry', post('retry', 'Redriven: scheduled again, due now.')));
	out.push(actionButton('Delete', 'delete danger', async () => {
		if (!window.confirm(`Delete task ${task.task_id}?${task.recurrence || task.cron ? ' This ends its series.' : ''}`)) return;
		const r = await request('DELETE', `/tasks/${task.task_id}`);
		if (!r.ok) ctx.flash(`Could not delete the task: ${r.error}`, 'error');
		else ctx.go('#/tasks', `Deleted task ${task.task_id}.`, 'ok');
	}));
	out.push(actionButton('Refresh', 'reload', async () => ctx.refresh()));
	return h('div', { class: 'actions' }, out);
}

export async function renderDetail(section, id, ctx) {
	const [tr, rr] = await Promise.all([
		request('GET', `/tasks/${id}`),
		request('GET', `/tasks/${id}/runs`),
	]);
	if (!tr.ok) {
		section.replaceChildren(h('h1', { tabindex: '-1' }, 'Task'),
			h('p', { class: 'error', role: 'alert' }, tr.status === 404 ? `No task ${id} (it may have been deleted, or belong to another tenant).` : tr.error),
			h('p', null, h('a', { href: '#/tasks' }, 'Back to the task list')));
		return;
	}
	const t = tr.body.task;
	const dl = h('dl', { class: 'fields' },
		field('Status', statusBadge(t.status)),
		field('Action', t.action),
		field('Runs at', timeEl(t.run_at)),
		field('Schedule', schedule(t)),
		t.ends_at ? field('Ends at', timeEl(t.ends_at)) : null,
		field('Attempts', `${t.attempts} of ${t.max_attempts}`),
		t.error_message ? field('Error', h('span', { class: 'error' }, t.error_message)) : null,
		field('Created', timeEl(t.created_at)),
		field('Updated', timeEl(t.updated_at)),
		t.parent_task_id ? field('Previous occurrence', h('a', { href: `#/tasks/${t.parent_task_id}`, class: 'mono' }, t.parent_task_id)) : null,
		field('Task id', h('span', { class: 'mono', id: 'task-id' }, t.task_id)));
	section.replaceChildren(
		h('div', { class: 'title-row' },
			h('h1', { tabindex: '-1' }, `Task `, statusBadge(t.status)),
			actions(t, ctx)),
		dl,
		h('h2', null, 'Next occurrences'),
		await occurrences(t),
		h('h2', null, 'Payload'),
		h('pre', { class: 'json', tabindex: '0', 'aria-label': 'Payload (JSON)' }, JSON.stringify(t.payload, null, 2)),
		...(t.on_failure ? [h('h2', null, 'On failure'), h('pre', { class: 'json' }, JSON.stringify(t.on_failure, null, 2))] : []),
		h('h2', null, 'Runs'),
		rr.ok ? runsTable(rr.body.runs) : h('p', { class: 'error' }, rr.error),
		h('p', null, h('a', { href: '#/tasks' }, 'Back to the task list')));
}
