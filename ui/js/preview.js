// preview.js -- the instants a schedule would fire, from the server's
// GET /schedules/preview (the executor's own code), for the create form and a
// task's page; a server without that route is told apart from bad input.

import { missingRoute, request } from './api.js';

// previewList -- spec: {cron | recurrence + run_at, timezone, dst_gap,
// dst_repeat}; after: RFC 3339 or ''; count: 1-100. Resolves to
// {occurrences: [{at, local, dst}]}, {unavailable: text} (no such route) or
// {error: text} (the server rejected the schedule, naming the parameter).
export async function previewList(spec, after, count) {
	const q = new URLSearchParams();
	if (spec.cron) q.set('cron', spec.cron);
	else {
		q.set('recurrence', spec.recurrence);
		q.set('run_at', spec.run_at);
	}
	for (const k of ['timezone', 'dst_gap', 'dst_repeat']) {
		if (spec[k]) q.set(k, spec[k]);
	}
	if (after) q.set('after', after);
	q.set('count', String(count));
	const r = await request('GET', `/schedules/preview?${q}`);
	if (missingRoute(r) || (r.status === 404 && !r.body)) {
		return { unavailable: 'schedule preview is not available on this server' };
	}
	if (!r.ok) return { error: r.error };
	return { occurrences: r.body.occurrences || [] };
}
