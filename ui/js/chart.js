// chart.js -- a small line chart drawn as inline SVG: time on x (a fixed
// window ending now), one line per series, drawn at the container's pixel
// width so that its text stays legible on a phone and on a desktop.

import { h, svg } from './dom.js';

const HEIGHT = 200;
const PAD = { left: 52, right: 12, top: 12, bottom: 28 };

// The y axis has four steps of a round size (1, 2, 2.5 or 5 times a power
// of ten), so that every tick reads plainly.
function niceMax(v) {
	if (!(v > 0)) return 1;
	const step = v / 4;
	const p = 10 ** Math.floor(Math.log10(step));
	for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= step) return 4 * m * p;
	return 40 * p;
}

// Time ticks: about five over the window, on whole minutes.
function timeStep(windowMs) {
	const min = 60 * 1000;
	for (const m of [1, 2, 5, 10, 15, 30]) if (windowMs / (m * min) <= 6) return m * min;
	return 60 * min;
}

function hhmm(t) {
	return new Date(t).toISOString().slice(11, 16);
}

let chartCount = 0;

// lineChart -- a <figure> with the chart, its legend and a caption.
//   opts.title, opts.caption: text; opts.width: pixels;
//   opts.from, opts.to: the time window (ms since the epoch);
//   opts.series: [{name, cls, points: [[t, value], ...]}];
//   opts.fmt: formats a y value; opts.gapMs: a longer pause breaks a line.
export function lineChart(opts) {
	const id = `chart-${++chartCount}`;
	const width = Math.max(260, Math.floor(opts.width));
	const plotW = width - PAD.left - PAD.right;
	const plotH = HEIGHT - PAD.top - PAD.bottom;
	let max = 0;
	for (const s of opts.series) for (const [, v] of s.points) max = Math.max(max, v);
	const yMax = niceMax(max);
	const x = (t) => PAD.left + ((t - opts.from) / (opts.to - opts.from)) * plotW;
	const y = (v) => PAD.top + plotH - (v / yMax) * plotH;

	const root = svg('svg', {
		viewBox: `0 0 ${width} ${HEIGHT}`, width, height: HEIGHT,
		role: 'img', 'aria-labelledby': `${id}-t ${id}-d`, class: 'chart',
	});
	root.append(svg('title', { id: `${id}-t` }, opts.title));
	const latest = opts.series.map((s) => {
		const last = s.points[s.points.length - 1];
		return `${s.name}: ${last ? opts.fmt(last[1]) : 'no data'}`;
	}).join('; ');
	root.append(svg('desc', { id: `${id}-d` }, `Latest values: ${latest}.`));

	for (let i = 0; i <= 4; i++) {
		const v = (yMax * i) / 4;
		root.append(svg('line', { class: 'grid', x1: PAD.left, x2: width - PAD.right, y1: y(v), y2: y(v) }));
		root.append(svg('text', { class: 'tick', x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, opts.fmt(v)));
	}
	const step = timeStep(opts.to - opts.from);
	for (let t = Math.ceil(opts.from / step) * step; t <= opts.to; t += step) {
		root.append(svg('line', { class: 'grid', x1: x(t), x2: x(t), y1: PAD.top, y2: PAD.top + plotH }));
		root.append(svg('text', { class: 'tick', x: x(t), y: HEIGHT - 8, 'text-anchor': 'middle' }, hhmm(t)));
	}
	root.append(svg('line', { class: 'axis', x1: PAD.left, x2: width - PAD.right, y1: PAD.top + plotH, y2: PAD.top + plotH }));

	for (const s of opts.series) {
		const pts = s.points.filter(([t]) => t >= opts.from && t <= opts.to);
		let run = [];
		const flush = () => {
			if (run.length > 1) {
				root.append(svg('polyline', { class: `line ${s.cls}`, points: run.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ') }));
			}
			run = [];
		};
		for (let i = 0; i < pts.length; i++) {
			if (i > 0 && pts[i][0] - pts[i - 1][0] > opts.gapMs) flush();
			run.push(pts[i]);
			root.append(svg('circle', { class: `dot ${s.cls}`, cx: x(pts[i][0]).toFixed(1), cy: y(pts[i][1]).toFixed(1), r: 2.5 }));
		}
		flush();
	}

	const legend = h('ul', { class: 'legend' },
		opts.series.map((s) => h('li', null, h('span', { class: `swatch ${s.cls}`, 'aria-hidden': 'true' }), s.name)));
	return h('figure', { class: 'chart-box' },
		h('figcaption', null, h('strong', null, opts.title), opts.caption ? h('span', { class: 'muted' }, ` — ${opts.caption}`) : null),
		root, legend);
}
