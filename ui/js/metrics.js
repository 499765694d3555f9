// metrics.js -- reading GET /metrics (Prometheus text format) and sampling
// it over time, so that the overview can chart the last hour from counters
// and a histogram the way Prometheus' rate() would.

import { request } from './api.js';

const STORE = 'tasksched.samples';
const KEEP_MS = 65 * 60 * 1000;
export const SAMPLE_MS = 15 * 1000;
export const OUTCOMES = ['succeeded', 'retry', 'failed', 'lost'];

// parse -- Prometheus text exposition (0.0.4) into [{name, labels, value}];
// comments, HELP and TYPE lines are skipped.
export function parse(text) {
	const out = [];
	const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?\s*$/;
	const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
	for (const raw of text.split('\n')) {
		if (!raw || raw.startsWith('#')) continue;
		const m = line.exec(raw);
		if (!m) continue;
		const labels = {};
		for (const l of (m[2] || '').matchAll(label)) {
			labels[l[1]] = l[2].replace(/\\n/g, '\n').replace(/\\(.)/g, '$1');
		}
		const v = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
		out.push({ name: m[1], labels, value: v });
	}
	return out;
}

// summarize -- the families the dashboard uses, from parse()'s list.
export function summarize(series, t) {
	const s = {
		t, tasks: {}, due: null, oldest: null, runs: {}, executorLast: null,
		late: { buckets: [], sum: null, count: null },
	};
	for (const m of series) {
		switch (m.name) {
		case 'tasksched_tasks':
			s.tasks[m.labels.status] = m.value;
			break;
		case 'tasksched_due_tasks':
			s.due = m.value;
			break;
		case 'tasksched_oldest_due_seconds':
			s.oldest = m.value;
			break;
		case 'tasksched_runs_total':
			s.runs[m.labels.outcome] = m.value;
			break;
		case 'tasksched_executor_last_run_timestamp_seconds':
			s.executorLast = m.value;
			break;
		case 'tasksched_fire_lateness_seconds_bucket':
			s.late.buckets.push([m.labels.le === '+Inf' ? Infinity : Number(m.labels.le), m.value]);
			break;
		case 'tasksched_fire_lateness_seconds_sum':
			s.late.sum = m.value;
			break;
		case 'tasksched_fire_lateness_seconds_count':
			s.late.count = m.value;
			break;
		default:
			break;
		}
	}
	s.late.buckets.sort((a, b) => a[0] - b[0]);
	return s;
}

// fetchSample -- one scrape. Resolves to {sample} or {unavailable: reason}.
export async function fetchSample() {
	const r = await request('GET', '/metrics', { text: true, anonymous: true });
	if (r.status === 403) {
		return { unavailable: 'This server does not serve /metrics to your address (403): an administrator can add it to metrics_allow in tasksched.conf.' };
	}
	if (r.status === 404 || r.status === 405) {
		return { unavailable: 'This server has no /metrics (404): it runs a tasksched without metrics, or the web server does not pass /metrics on.' };
	}
	if (!r.ok || typeof r.body !== 'string') {
		return { unavailable: `Could not read /metrics: ${r.error || 'not the Prometheus text format'}` };
	}
	const s = summarize(parse(r.body), Date.now());
	if (s.due === null && Object.keys(s.tasks).length === 0) {
		return { unavailable: '/metrics has none of the tasksched_* families.' };
	}
	return { sample: s };
}

export function loadSamples() {
	try {
		const list = JSON.parse(sessionStorage.getItem(STORE) || '[]');
		const since = Date.now() - KEEP_MS;
		return Array.isArray(list) ? list.filter((s) => s && s.t >= since) : [];
	} catch (e) {
		return [];
	}
}

// JSON has no Infinity: the +Inf bucket is stored as null and restored.
function storeSamples(list) {
	const since = Date.now() - KEEP_MS;
	const kept = list.filter((s) => s.t >= since);
	try {
		sessionStorage.setItem(STORE, JSON.stringify(kept, (k, v) => (v === Infinity ? null : v)));
	} catch (e) {
		// A full sessionStorage only costs the history across reloads.
	}
	return kept;
}

export function addSample(list, s) {
	return storeSamples([...list, s]);
}

export function reviveSamples(list) {
	for (const s of list) {
		for (const b of s.late.buckets) if (b[0] === null) b[0] = Infinity;
	}
	return list;
}

// quantile -- as Prometheus' histogram_quantile over cumulative buckets
// [[le, count], ...]: linear within the bucket that holds the rank.
export function quantile(q, buckets) {
	if (buckets.length === 0) return null;
	const total = buckets[buckets.length - 1][1];
	if (!(total > 0)) return null;
	const rank = q * total;
	let prevLe = 0;
	let prevCount = 0;
	for (const [le, count] of buckets) {
		if (count >= rank) {
			if (le === Infinity) return prevLe;
			const inBucket = count - prevCount;
			return inBucket > 0 ? prevLe + (le - prevLe) * ((rank - prevCount) / inBucket) : le;
		}
		prevLe = le;
		prevCount = count;
	}
	return prevLe;
}

// throughput -- runs per minute by outcome between consecutive samples;
// a counter that went down (a reset) gives no point for that interval.
export function throughput(samples) {
	const series = Object.fromEntries(OUTCOMES.map((o) => [o, []]));
	for (let i = 1; i < samples.length; i++) {
		const a = samples[i - 1];
		const b = samples[i];
		const dt = (b.t - a.t) / 1000;
		if (dt <= 0) continue;
		for (const o of OUTCOMES) {
			const d = (b.runs[o] || 0) - (a.runs[o] || 0);
			if (d >= 0) series[o].push([b.t, (d / dt) * 60]);
		}
	}
	return series;
}

// lateness -- median and 95th percentile of fire lateness (seconds) of the
// first attempts that started between consecutive samples; intervals in
// which nothing fired give no point.
export function lateness(samples) {
	const p50 = [];
	const p95 = [];
	for (let i = 1; i < samples.length; i++) {
		const a = samples[i - 1].late;
		const b = samples[i].late;
		if (a.buckets.length !== b.buckets.length || b.buckets.length === 0) continue;
		const delta = b.buckets.map(([le, c], j) => [le, c - a.buckets[j][1]]);
		if (delta.some(([, c]) => c < 0)) continue;
		if (!(delta[delta.length - 1][1] > 0)) continue;
		p50.push([samples[i].t, quantile(0.5, delta)]);
		p95.push([samples[i].t, quantile(0.95, delta)]);
	}
	return { p50, p95 };
}
