// sw-receiver.js -- a webhook receiver as a Standard Webhooks user writes
// one: every request is checked with the `standardwebhooks` npm package
// (not with code of tasksched's), once per secret given, and logged.
//
//   node sw-receiver.js PORT-FILE LOG-FILE SECRET...
//
// The log has one JSON object per request: the task id and attempt
// headers, the Standard Webhooks headers, X-Tasksched-Signature, the body,
// and `verified`, one boolean per SECRET. It answers 200 to everything.
'use strict';

const fs = require('fs');
const http = require('http');
const { Webhook } = require('standardwebhooks');

const [portFile, logFile, ...secrets] = process.argv.slice(2);
const hooks = secrets.map((s) => new Webhook(s));

function verify(hook, body, headers) {
	try {
		hook.verify(body, headers);
		return true;
	} catch (e) {
		return false;
	}
}

const server = http.createServer((req, res) => {
	const chunks = [];
	req.on('data', (c) => chunks.push(c));
	req.on('end', () => {
		const body = Buffer.concat(chunks).toString('utf8');
		const h = req.headers;
		const entry = {
			method: req.method,
			task_id: h['x-tasksched-task-id'] || null,
			attempt: h['x-tasksched-attempt'] || null,
			webhook_id: h['webhook-id'] || null,
			webhook_timestamp: h['webhook-timestamp'] || null,
			webhook_signature: h['webhook-signature'] || null,
			tasksched_signature: h['x-tasksched-signature'] || null,
			body,
			verified: hooks.map((hook) => verify(hook, body, h)),
		};
		fs.appendFileSync(logFile, JSON.stringify(entry) + '\n');
		const fail = req.url.includes('fail_first') && entry.attempt === '1';
		res.writeHead(fail ? 500 : 200, { 'Content-Type': 'text/plain' });
		res.end('ok');
	});
});

server.listen(0, '127.0.0.1', () => {
	fs.writeFileSync(portFile + '.tmp', String(server.address().port));
	fs.renameSync(portFile + '.tmp', portFile);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
