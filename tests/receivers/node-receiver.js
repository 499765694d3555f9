// node-receiver.js -- a webhook receiver as Express, Fastify and Next.js API
// routes run it: Node.js's own http.createServer, with its defaults (it
// answers 417 to an Expect header other than 100-continue before this code
// sees the request). Each request is written as one JSON file to DIR.
//
//   node node-receiver.js DIR PORTFILE
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');

const [dir, portFile] = process.argv.slice(2);
let seq = 0;

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const record = {
      receiver: 'node',
      method: req.method,
      path: req.url,
      headers: req.headers, // names in lower case, as Node.js gives them
      body: Buffer.concat(chunks).toString('utf8'),
    };
    const name = path.join(dir, `node-${process.pid}-${++seq}.json`);
    fs.writeFileSync(name + '.tmp', JSON.stringify(record));
    fs.renameSync(name + '.tmp', name);
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('ok');
  });
});

server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(portFile + '.tmp', String(server.address().port));
  fs.renameSync(portFile + '.tmp', portFile);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
