// create.js -- the form that schedules a task (POST /tasks), with a preview
// of the instants its schedule fires; bad input is shown at its field.

import { request } from './api.js';
import { fmtTime, h, timeEl } from './dom.js';
import { previewList } from './preview.js';

// "2026-12-05T08:00:00" (a datetime-local value, read as UTC) for now + 1 min.
function defaultRunAt() {
	const d = new Date(Date.now() + 60 * 1000);
	d.setUTCMilliseconds(0);
	return d.toISOString().slice(0, 19);
}

function input(id, label, attrs, help) {
	const el = h(attrs.tag || 'input', { id, name: id, ...attrs, tag: null, 'aria-describedby': help ? `${id}-help` : null });
	return {
		el,
		box: h('div', { class: 'field', 'data-field': id },
			h('label', { for: id }, label), el,
			help ? h('p', { id: `${id}-help`, class: 'muted' }, help) : null,
			h('p', { class: 'field-error', id: `${id}-error`, role: 'alert' })),
	};
}

// crypto.randomUUID needs a secure context (https); getRandomValues does not.
function newIdemKey() {
	const b = crypto.getRandomValues(new Uint8Array(16));
	return `ui-${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`;
}

function zones() {
	try {
		return Intl.supportedValuesOf('timeZone');
	} catch (e) {
		return [];
	}
}

export async function renderCreate(section, params, ctx) {
	let idemKey = newIdemKey();
	const f = {
		url: input('url', 'URL', { type: 'url', placeholder: 'https://example.org/hook', autocomplete: 'off' }),
		method: input('method', 'Method', { tag: 'select' }),
		headers: input('headers', 'Headers (JSON object, optional)', { tag: 'textarea', rows: 2, spellcheck: 'false', placeholder: '{"Authorization": "Bearer …"}' }),
		data: input('data', 'Body data (JSON, optional)', { tag: 'textarea', rows: 3, spellcheck: 'false', placeholder: '{"order": 1234}' }),
		recipient: input('recipient', 'Recipient', { type: 'text', autocomplete: 'off' }),
		message: input('message', 'Message', { tag: 'textarea', rows: 2 }),
		run_at: input('run_at', 'Run at (UTC)', { type: 'datetime-local', step: 1, value: defaultRunAt() }, 'Optional with cron: then the first match after now.'),
		repeat: input('repeat', 'Repeat', { tag: 'select' }),
		cron: input('cron', 'Cron expression', { type: 'text', placeholder: '*/5 * * * *', spellcheck: 'false', autocomplete: 'off' }, 'minute hour day-of-month month day-of-week, or @daily …'),
		timezone: input('timezone', 'Time zone of the series (optional)', { type: 'text', list: 'zones', placeholder: 'UTC', autocomplete: 'off' }),
		max_attempts: input('max_attempts', 'Max attempts', { type: 'number', min: 1, max: 100, value: 3 }),
	};
	for (const m of ['POST', 'GET', 'PUT', 'PATCH', 'DELETE']) f.method.el.append(h('option', { value: m }, m));
	for (const [v, l] of [['', 'never (runs once)'], ['daily', 'daily'], ['weekly', 'weekly'], ['monthly', 'monthly'], ['cron', 'by cron expression']]) {
		f.repeat.el.append(h('option', { value: v }, l));
	}
	const action = (v, label) => h('label', { class: 'radio' },
		h('input', { type: 'radio', name: 'action', value: v, checked: v === 'webhook' }), ` ${label}`);
	const webhookBox = h('div', { class: 'group' }, f.url.box, f.method.box, f.headers.box, f.data.box);
	const messageBox = h('div', { class: 'group', hidden: true }, f.recipient.box, f.message.box);
	const preview = h('div', { id: 'preview', class: 'preview', 'aria-live': 'polite' });
	const formError = h('p', { class: 'error', role: 'alert', id: 'form-error' });
	const submit = h('button', { type: 'submit', class: 'primary' }, 'Schedule task');
	const form = h('form', { class: 'create', novalidate: true },
		h('fieldset', null, h('legend', null, 'Action'), action('webhook', 'Webhook (HTTP request)'), action('message', 'Message (logged)')),
		webhookBox, messageBox,
		h('fieldset', null, h('legend', null, 'When'), f.run_at.box, f.repeat.box, f.cron.box, f.timezone.box, preview),
		f.max_attempts.box,
		h('datalist', { id: 'zones' }, zones().map((z) => h('option', { value: z }))),
		formError,
		h('div', { class: 'actions' }, submit, h('a', { class: 'button', href: '#/tasks' }, 'Cancel')));

	const current = () => form.querySelector('input[name=action]:checked').value;
	const sync = () => {
		webhookBox.hidden = current() !== 'webhook';
		messageBox.hidden = current() !== 'message';
		f.cron.box.hidden = f.repeat.el.value !== 'cron';
		f.timezone.box.hidden = f.repeat.el.value === '';
	};
	sync();

	const clearErrors = () => {
		formError.textContent = '';
		for (const box of form.querySelectorAll('.field')) {
			box.querySelector('.field-error').textContent = '';
			const el = box.querySelector('input, select, textarea');
			el.removeAttribute('aria-invalid');
		}
	};
	// Shows an error at the field the API named ("payload.url" or "url"),
	// or above the button when no field matches.
	const showError = (text, fieldName) => {
		const name = (fieldName || '').split('.').pop();
		const key = name === 'recurrence' ? 'repeat' : name;
		const box = key && form.querySelector(`.field[data-field="${key}"]`);
		if (box && !box.closest('[hidden]') && !box.hidden) {
			box.querySelector('.field-error').textContent = text;
			const el = box.querySelector('input, select, textarea');
			el.setAttribute('aria-invalid', 'true');
			el.setAttribute('aria-errormessage', box.querySelector('.field-error').id);
			el.focus();
		}
		formError.textContent = text;
	};

	const runAtIso = () => (f.run_at.el.value ? `${f.run_at.el.value.length === 16 ? `${f.run_at.el.value}:00` : f.run_at.el.value}Z` : '');

	// Builds the body; a JSON field that does not parse is reported here.
	const body = () => {
		const b = { action: current() };
		if (b.action === 'webhook') {
			const p = { url: f.url.el.value.trim(), method: f.method.el.value };
			for (const k of ['headers', 'data']) {
				const text = f[k].el.value.trim();
				if (!text) continue;
				try {
					p[k] = JSON.parse(text);
				} catch (e) {
					return { error: `Not valid JSON: ${e.message}`, field: k };
				}
			}
			b.payload = p;
		} else {
			b.payload = { recipient: f.recipient.el.value, message: f.message.el.value };
		}
		if (runAtIso()) b.run_at = runAtIso();
		const rep = f.repeat.el.value;
		if (rep === 'cron') b.cron = f.cron.el.value.trim();
		else if (rep) b.recurrence = rep;
		if (rep && f.timezone.el.value.trim()) b.timezone = f.timezone.el.value.trim();
		if (f.max_attempts.el.value) b.max_attempts = Number(f.max_attempts.el.value);
		return { body: b };
	};

	let previewSeq = 0;
	const updatePreview = async () => {
		const seq = ++previewSeq;
		const rep = f.repeat.el.value;
		const at = runAtIso();
		if (!rep) {
			preview.replaceChildren(at ? h('p', null, 'Runs once at ', timeEl(at), '.') : h('p', { class: 'muted' }, 'Choose when it runs.'));
			return;
		}
		if (rep === 'cron' && !f.cron.el.value.trim()) {
			preview.replaceChildren(h('p', { class: 'muted' }, 'Enter a cron expression to see when it fires.'));
			return;
		}
		const spec = rep === 'cron' ? { cron: f.cron.el.value.trim() } : { recurrence: rep, run_at: at };
		if (f.timezone.el.value.trim()) spec.timezone = f.timezone.el.value.trim();
		// Occurrences from run_at on (a cron series starts at the first match at or after it).
		const after = at ? new Date(Date.parse(at) - 1).toISOString() : '';
		const r = await previewList(spec, after, 5);
		if (seq !== previewSeq) return;
		if (r.unavailable) {
			preview.replaceChildren(h('p', null, at ? ['First run at ', timeEl(at), `, then ${rep === 'cron' ? 'by the cron expression' : rep}.`] : 'Runs by the cron expression.',
				h('span', { class: 'muted' }, ` (${r.unavailable}.)`)));
		} else if (r.error) {
			preview.replaceChildren(h('p', { class: 'error' }, r.error));
		} else {
			preview.replaceChildren(h('p', null, 'Fires at:'), h('ol', { class: 'occurrences' },
				r.occurrences.map((o) => h('li', null, fmtTime(o.at),
					o.local && !/(Z|[+-]00:00)$/.test(o.local) ? h('span', { class: 'muted' }, ` (local ${o.local.replace('T', ' ')})`) : null,
					o.dst ? h('span', { class: 'badge' }, o.dst) : null))));
		}
	};
	let timer = null;
	const later = () => {
		clearTimeout(timer);
		timer = setTimeout(() => updatePreview().catch(() => {}), 350);
	};
	form.addEventListener('change', () => {
		sync();
		later();
	});
	form.addEventListener('input', later);

	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		clearErrors();
		const b = body();
		if (b.error) {
			showError(b.error, b.field);
			return;
		}
		submit.disabled = true;
		try {
			// One key per form: a double submit or a retry after a lost
			// answer gets the first task back instead of a second one.
			const r = await request('POST', '/tasks', { json: b.body, headers: { 'Idempotency-Key': idemKey } });
			if (!r.ok) {
				// The corrected body is another request, not a replay.
				if (r.status >= 400 && r.status < 500) idemKey = newIdemKey();
				showError(r.error, r.body && r.body.field);
				return;
			}
			// A server without schedules support ignores fields it does not
			// know: say so rather than let the series run otherwise.
			const t = r.body.task;
			const ignored = ['cron', 'timezone'].filter((k) => b.body[k] && t[k] === undefined);
			if (ignored.length) {
				ctx.go(`#/tasks/${t.task_id}`, `Task scheduled, but this server ignored ${ignored.join(' and ')} (it has no schedules support): check its schedule below.`, 'error');
			} else {
				ctx.go(`#/tasks/${t.task_id}`, 'Task scheduled.', 'ok');
			}
		} finally {
			submit.disabled = false;
		}
	});

	section.replaceChildren(h('h1', { tabindex: '-1' }, 'New task'), form);
	await updatePreview();
}
