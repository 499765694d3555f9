// dom.js -- building elements and formatting values; text is always set as
// text (never parsed as HTML), so nothing a task carries can inject markup.

// h('a', {href: '#/'}, 'text', child...) -- an element with attributes and
// children; attributes starting with "on" are event listeners, `null`,
// `undefined` and `false` attributes and children are left out.
export function h(tag, attrs, ...children) {
	const el = document.createElement(tag);
	for (const [name, value] of Object.entries(attrs || {})) {
		if (value === null || value === undefined || value === false) continue;
		if (name.startsWith('on')) {
			el.addEventListener(name.slice(2), value);
		} else if (name === 'class') {
			el.className = value;
		} else if (value === true) {
			el.setAttribute(name, '');
		} else {
			el.setAttribute(name, String(value));
		}
	}
	append(el, children);
	return el;
}

function append(el, children) {
	for (const c of children) {
		if (c === null || c === undefined || c === false) continue;
		if (Array.isArray(c)) append(el, c);
		else el.append(c instanceof Node ? c : String(c));
	}
}

// SVG elements need their namespace; attributes as for h().
export function svg(tag, attrs, ...children) {
	const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
	for (const [name, value] of Object.entries(attrs || {})) {
		if (value === null || value === undefined) continue;
		el.setAttribute(name, String(value));
	}
	append(el, children);
	return el;
}

// "2026-12-05 07:30:00Z" from an RFC 3339 string, as the API's UTC.
export function fmtTime(iso) {
	if (!iso) return '—';
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return iso;
	return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

// A duration in seconds as "850 ms", "12.3 s", "4 min 5 s", "2 h 3 min".
export function fmtDuration(sec) {
	if (sec === null || sec === undefined || Number.isNaN(sec)) return '—';
	const neg = sec < 0;
	let s = Math.abs(sec);
	let out;
	if (s < 1) out = `${Math.round(s * 1000)} ms`;
	else if (s < 60) out = `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
	else if (s < 3600) out = `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
	else if (s < 86400) out = `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
	else out = `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
	return neg ? `-${out}` : out;
}

// The same, shorter, for a big number on a card: "2m 45s", "1h 3m".
export function fmtDurationShort(sec) {
	if (!(sec >= 60)) return fmtDuration(sec);
	if (sec < 3600) return `${Math.floor(sec / 60)}m ${Math.round(sec % 60)}s`;
	if (sec < 86400) return `${Math.floor(sec / 3600)}h ${Math.floor((sec % 3600) / 60)}m`;
	return `${Math.floor(sec / 86400)}d ${Math.floor((sec % 86400) / 3600)}h`;
}

// A number with at most three significant digits: 0.25, 1.5, 120.
export function fmtNumber(v) {
	return String(Number(v.toPrecision(3)));
}

// "in 5 min" / "3 min ago" for a time relative to now.
export function fmtRelative(iso) {
	const t = Date.parse(iso);
	if (Number.isNaN(t)) return '';
	const sec = (t - Date.now()) / 1000;
	if (Math.abs(sec) < 1) return 'now';
	return sec > 0 ? `in ${fmtDuration(sec)}` : `${fmtDuration(-sec)} ago`;
}

// A <time> element showing UTC, with the relative time beside it.
export function timeEl(iso) {
	if (!iso) return h('span', null, '—');
	return h('span', { class: 'time' },
		h('time', { datetime: iso, title: iso }, fmtTime(iso)),
		' ', h('span', { class: 'rel' }, `(${fmtRelative(iso)})`));
}

export function statusBadge(status) {
	return h('span', { class: `badge st-${status}` }, status);
}

// What a task does, in a few words: the webhook's method and URL or the
// message's recipient.
export function taskTarget(task) {
	const p = task.payload || {};
	if (task.action === 'webhook') return `${p.method || 'POST'} ${p.url || ''}`;
	if (task.action === 'message') return `to ${p.recipient || ''}`;
	return '';
}

export function schedule(task) {
	if (task.cron) return `cron ${task.cron}${task.timezone && task.timezone !== 'UTC' ? ` (${task.timezone})` : ''}`;
	if (task.recurrence) return task.recurrence + (task.timezone && task.timezone !== 'UTC' ? ` (${task.timezone})` : '');
	return 'once';
}
