// overview.js -- the first page: tasks by status, the backlog and its oldest
// wait, and charts of fire lateness and throughput over the last hour, all
// drawn from the /metrics samples the page takes while it is open.

import { missingRoute, request } from './api.js';
import { fmtDuration, fmtDurationShort, fmtNumber, h, statusBadge } from './dom.js';
import { lineChart } from './chart.js';
import { SAMPLE_MS, addSample, fetchSample, lateness, loadSamples, reviveSamples, throughput } from './metrics.js';

export const STATUSES = ['scheduled', 'paused', 'running', 'completed', 'failed'];
const PAGE = 1000;
const HOUR_MS = 60 * 60 * 1000;
const WINDOW_MIN_MS = 10 * 60 * 1000;

let timer = null;
let samples = null;
let lastMetrics = null; // {sample} or {unavailable}
let view = null; // the overview section being shown, if any

async function takeSample() {
	const r = await fetchSample();
	lastMetrics = r;
	if (r.sample) samples = addSample(samples, r.sample);
	return r;
}

// Sampling goes on while the overview is shown; samples outlive a reload
// of the tab (sessionStorage), so the charts keep their history.
function startSampling() {
	if (samples === null) samples = reviveSamples(loadSamples());
	if (timer) return;
	timer = setInterval(async () => {
		try {
			await takeSample();
			if (view && view.isConnected) {
				await drawStats(view);
				drawMetricsParts(view);
			}
		} catch (e) {
			// A refused key shows up at the next navigation.
		}
	}, SAMPLE_MS);
}

export function stopSampling() {
	if (timer) clearInterval(timer);
	timer = null;
	view = null;
}

// Counts from the task list of this key's tenant, when /metrics cannot be
// read: one page of up to 1000 per status ("1000+" beyond).
async function countsFromApi() {
	const counts = {};
	let scheduled = null;
	for (const st of STATUSES) {
		const r = await request('GET', `/tasks?status=${st}&limit=${PAGE}`);
		if (r.status === 400 && st === 'paused') continue; // a server without pause
		if (!r.ok) throw new Error(`Could not list ${st} tasks: ${r.error}`);
		counts[st] = { n: r.body.tasks.length, more: r.body.next_cursor !== null };
		if (st === 'scheduled') scheduled = r.body;
	}
	const now = Date.now();
	const due = scheduled.tasks.filter((t) => Date.parse(t.run_at) <= now);
	return {
		counts,
		due: { n: due.length, more: due.length === scheduled.tasks.length && scheduled.next_cursor !== null },
		oldest: due.length ? (now - Date.parse(due[0].run_at)) / 1000 : 0,
	};
}

function countsFromMetrics(s) {
	const counts = {};
	for (const st of STATUSES) {
		if (s.tasks[st] !== undefined) counts[st] = { n: s.tasks[st], more: false };
	}
	return { counts, due: { n: s.due || 0, more: false }, oldest: s.oldest || 0 };
}

function num(c) {
	return c.more ? `${c.n}+` : String(c.n);
}

function statCards(data, source) {
	const cards = Object.entries(data.counts).map(([st, c]) =>
		h('li', { class: 'stat' },
			h('a', { href: `#/tasks?status=${st}` },
				h('span', { class: 'stat-n', 'data-count': st }, num(c)),
				h('span', { class: 'stat-l' }, statusBadge(st)))));
	return [
		h('h2', null, 'Tasks by status'),
		h('ul', { class: 'stats', 'aria-label': 'Tasks by status' }, cards),
		h('h2', null, 'Backlog'),
		h('ul', { class: 'stats' },
			h('li', { class: 'stat' },
				h('span', { class: 'stat-n', 'data-count': 'due' }, num(data.due)),
				h('span', { class: 'stat-l' }, 'due now, waiting')),
			h('li', { class: 'stat' },
				h('span', { class: 'stat-n', 'data-count': 'oldest' }, data.oldest > 0 ? fmtDurationShort(data.oldest) : 'none'),
				h('span', { class: 'stat-l' }, 'oldest wait'))),
		h('p', { class: 'muted source' }, source),
	];
}

function chartWidth(section) {
	const w = section.clientWidth || window.innerWidth;
	return window.innerWidth >= 900 ? (w - 24) / 2 : w;
}

// The parts that change with every sample: the charts and the executor's
// last run.
function drawMetricsParts(section) {
	const box = section.querySelector('#charts');
	if (!box) return;
	if (!lastMetrics || lastMetrics.unavailable) {
		box.replaceChildren(h('h2', null, 'Last hour'),
			h('p', { class: 'notice' }, 'No charts: ', lastMetrics ? lastMetrics.unavailable : 'metrics not read yet.'));
		return;
	}
	const to = Date.now();
	const first = samples.length ? samples[0].t : to;
	// The window is the last hour, or less while the samples cover less
	// (ten minutes at least), so that a fresh page's points are not all
	// squeezed against the right edge.
	const from = Math.max(to - HOUR_MS, Math.min(first, to - WINDOW_MIN_MS));
	const since = first > to - HOUR_MS + SAMPLE_MS ? `sampled every ${SAMPLE_MS / 1000} s since ${new Date(first).toISOString().slice(11, 16)} UTC, while this page is open` : `sampled every ${SAMPLE_MS / 1000} s`;
	const tp = throughput(samples);
	const late = lateness(samples);
	const width = chartWidth(section);
	const gapMs = SAMPLE_MS * 3;
	const s = lastMetrics.sample;
	const ex = s.executorLast ? `${fmtDuration(to / 1000 - s.executorLast)} ago` : 'never';
	box.replaceChildren(
		h('h2', null, 'Last hour'),
		h('p', { class: 'muted' }, `Executor last ran ${ex}. Charts ${since}; they need two samples to show a rate.`),
		h('div', { class: 'charts' },
			lineChart({
				title: 'Fire lateness', caption: 'seconds from run_at to the first attempt’s start',
				width, from, to, gapMs, fmt: (v) => fmtDuration(v),
				series: [{ name: 'median', cls: 's1', points: late.p50 }, { name: '95th percentile', cls: 's2', points: late.p95 }],
			}),
			lineChart({
				title: 'Throughput', caption: 'runs per minute by outcome',
				width, from, to, gapMs, fmt: fmtNumber,
				series: [
					{ name: 'succeeded', cls: 's1', points: tp.succeeded },
					{ name: 'retry', cls: 's3', points: tp.retry },
					{ name: 'failed', cls: 's2', points: tp.failed },
					{ name: 'lost', cls: 's4', points: tp.lost },
				],
			})));
}

// redriveAll -- POST /tasks/retry?status=failed in pages of 1000 until a page
// comes back short. Resolves to a message for the flash.
export async function redriveAll() {
	let total = 0;
	for (let round = 0; round < 100; round++) {
		const r = await request('POST', `/tasks/retry?status=failed&limit=${PAGE}`);
		if (missingRoute(r)) {
			return { kind: 'error', text: 'This server has no bulk redrive (POST /tasks/retry): redrive failed tasks one by one from their pages.' };
		}
		if (!r.ok) return { kind: 'error', text: `Redrive failed after ${total} tasks: ${r.error}` };
		total += r.body.retried;
		if (r.body.retried < PAGE) break;
	}
	return { kind: 'ok', text: total === 1 ? 'Redrove 1 failed task.' : `Redrove ${total} failed tasks.` };
}

export function redriveButton(after) {
	return h('button', {
		type: 'button', id: 'redrive-all',
		onclick: async (ev) => {
			if (!window.confirm('Redrive every failed task? Each goes back to scheduled, due now, with another max_attempts attempts.')) return;
			ev.target.disabled = true;
			const m = await redriveAll();
			ev.target.disabled = false;
			after(m);
		},
	}, 'Redrive all failed');
}

// The counts and the backlog, from the latest sample, else from the task
// list (only while the tab is seen: it costs a page of tasks per status).
async function drawStats(section) {
	const box = section.querySelector('#stats');
	let data;
	let source;
	if (lastMetrics.sample) {
		data = countsFromMetrics(lastMetrics.sample);
		source = 'From /metrics: every tenant’s tasks.';
	} else {
		if (box.childElementCount && document.visibilityState === 'hidden') return;
		data = await countsFromApi();
		source = 'From the task list of this key’s tenant (metrics not readable; see below).';
	}
	box.replaceChildren(...statCards(data, source));
}

export async function renderOverview(section, params, ctx) {
	startSampling();
	await takeSample();
	const stats = h('div', { id: 'stats' });
	section.replaceChildren(
		h('div', { class: 'title-row' },
			h('h1', { tabindex: '-1' }, 'Overview'),
			h('div', { class: 'actions' },
				h('button', { type: 'button', id: 'refresh', onclick: () => ctx.refresh() }, 'Refresh'),
				redriveButton((m) => ctx.go('#/', m.text, m.kind)))),
		stats,
		h('div', { id: 'charts' }));
	await drawStats(section);
	view = section;
	drawMetricsParts(section);
}

let resizeTimer = null;
window.addEventListener('resize', () => {
	clearTimeout(resizeTimer);
	resizeTimer = setTimeout(() => {
		if (view && view.isConnected) drawMetricsParts(view);
	}, 200);
});
