#!/usr/bin/env node
// A stand-in for `embargo serve` while it is being built, and for UI work without the server:
// serves web/ like the real server (/ is /index.html) and answers the API the UI calls with the
// response shapes of the real one (GET /search, POST /match/{dataset}, GET /entities/{id},
// GET /catalog, /healthz, /readyz, POST /payments/screen, and the monitoring the alerts queue uses: GET /registers,
// POST /registers/{name}/import, GET /alerts, GET /alerts/{id}, POST /alerts/{id}/decision). The
// data is real: it runs the `embargo` command ($EMBARGO) for each request (search --json, show
// --stored-json, lists --json, screen-payment --json, register, alerts --json, alert show|decide).
//
//   EMBARGO=build/embargo node tests/browser/mock_server.js [--port N] [--home DIR]
//
// prints "listening on http://127.0.0.1:PORT" once ready.
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const { execFile } = require('node:child_process');
const os = require('node:os');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const PORT = parseInt(opt('--port', '0'), 10);
const HOME = opt('--home', process.env.EMBARGO_HOME || '');
const BIN = process.env.EMBARGO || path.resolve(__dirname, '../../build/embargo');
const WEB = path.resolve(__dirname, '../../web');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.ico': 'image/x-icon' };

function embargo(argv) {
  const full = HOME ? ['--home', HOME, ...argv] : argv;
  return new Promise((resolve, reject) => {
    execFile(BIN, full, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const e = new Error((stderr || err.message).trim().replace(/^embargo: /, ''));
        e.code = err.code;
        reject(e);
      } else resolve(stdout);
    });
  });
}

function send(res, status, body, type = 'application/json') {
  const data = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(data);
}

function toResult(r) {
  const src = r.source || {};
  return { ...r, datasets: src.dataset ? [src.dataset] : [], properties: r.properties || {} };
}

async function search(q) {
  const argv = ['search', '--json', '--limit', String(q.limit || 20)];
  if (q.threshold !== undefined) argv.push('--threshold', String(q.threshold));
  if (q.schema && q.schema !== 'Thing') argv.push('--schema', q.schema);
  if (q.dob) argv.push('--dob', q.dob);
  if (q.country) argv.push('--country', q.country);
  argv.push(q.name);
  const out = JSON.parse(await embargo(argv));
  const results = (out.results || []).map(toResult);
  return { query: out.query, results, total: { value: results.length, relation: 'eq' } };
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://localhost');
  const p = url.pathname;
  if (p === '/healthz' || p === '/readyz') return send(res, 200, { status: 'ok' });
  if (p === '/search' && req.method === 'GET') {
    const name = (url.searchParams.get('q') || '').trim();
    if (!name) return send(res, 400, { error: 'q: give a name to search' });
    if (name === 'trigger server error') return send(res, 500, { error: 'internal error (test)' });
    const t = url.searchParams.get('threshold');
    return send(res, 200, await search({ name, schema: url.searchParams.get('schema'), dob: url.searchParams.get('dob'), country: url.searchParams.get('country'), threshold: t === null ? undefined : t, limit: url.searchParams.get('limit') }));
  }
  if (p.startsWith('/match/') && req.method === 'POST') {
    let body;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return send(res, 400, { error: 'the body is not JSON' });
    }
    const responses = {};
    for (const [k, q] of Object.entries(body.queries || {})) {
      const pr = q.properties || {};
      const r = await search({ name: (pr.name || [])[0] || '', schema: q.schema, dob: (pr.birthDate || [])[0], country: (pr.nationality || pr.country || [])[0], threshold: url.searchParams.get('threshold') || undefined, limit: url.searchParams.get('limit') });
      responses[k] = { status: 200, ...r };
    }
    return send(res, 200, { responses, limit: 20 });
  }
  if (p.startsWith('/entities/') && req.method === 'GET') {
    const id = decodeURIComponent(p.slice('/entities/'.length));
    let raw;
    try {
      raw = JSON.parse(await embargo(['show', '--stored-json', id]));
    } catch (e) {
      return send(res, 404, { error: `no entity ${id}` });
    }
    const names = raw.names || [];
    const props = {
      name: names.filter((n) => n.kind === 'primary').map((n) => n.full),
      alias: names.filter((n) => n.kind !== 'primary' && n.strength !== 'weak').map((n) => n.full),
      weakAlias: names.filter((n) => n.strength === 'weak').map((n) => n.full),
      birthDate: (raw.birth_dates || []).map((d) => d.text),
      nationality: raw.nationalities || [],
      program: raw.programs || [],
      notes: raw.remarks ? [raw.remarks] : [],
    };
    return send(res, 200, { id: raw.id, caption: raw.caption, schema: raw.schema, properties: props, datasets: [raw.source], embargo: raw });
  }
  if (p === '/registers' && req.method === 'GET') return send(res, 200, JSON.parse(await embargo(['register', 'list', '--json'])));
  let m;
  if ((m = /^\/registers\/([^/]+)\/import$/.exec(p)) && req.method === 'POST') {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'embargo-mock-')), 'register.csv');
    fs.writeFileSync(file, await readBody(req));
    try {
      return send(res, 200, JSON.parse(await embargo(['register', 'import', '--json', '--register', decodeURIComponent(m[1]), file]))[0]);
    } catch (e) {
      return send(res, 422, { error: e.message });
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  }
  if (p === '/alerts' && req.method === 'GET') {
    const argv = ['alerts', '--json'];
    for (const [k, o] of [['register', '--register'], ['state', '--state'], ['older_than', '--older-than'], ['limit', '--limit']]) if (url.searchParams.get(k)) argv.push(o, url.searchParams.get(k));
    try {
      return send(res, 200, JSON.parse(await embargo(argv)));
    } catch (e) {
      return send(res, 400, { error: e.message });
    }
  }
  if ((m = /^\/alerts\/(\d+)$/.exec(p)) && req.method === 'GET') {
    try {
      return send(res, 200, JSON.parse(await embargo(['alert', 'show', m[1]])));
    } catch (e) {
      return send(res, 404, { error: e.message });
    }
  }
  if ((m = /^\/alerts\/(\d+)\/decision$/.exec(p)) && req.method === 'POST') {
    let b;
    try {
      b = JSON.parse(await readBody(req));
    } catch {
      return send(res, 400, { error: 'the body is not JSON' });
    }
    try {
      await embargo(['alert', 'decide', m[1], '--decision', String(b.decision || ''), '--comment', String(b.comment || ''), '--user', String(b.user || 'local')]);
    } catch (e) {
      return send(res, 422, { error: e.message });
    }
    return send(res, 200, JSON.parse(await embargo(['alert', 'show', m[1]])));
  }
  if (p === '/payments/screen' && req.method === 'POST') {
    // `embargo screen-payment --json -`: one result per line; exit 0 pass, 3 review, 4 block,
    // 5 invalid (results all the same), 1 and 2 errors
    const body = await readBody(req);
    const out = await new Promise((resolve) => {
      const child = execFile(BIN, [...(HOME ? ['--home', HOME] : []), 'screen-payment', '--json', '-'], { maxBuffer: 64 << 20 }, (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }));
      child.stdin.end(body);
    });
    if (out.code === 1 || out.code === 2) return send(res, 400, { error: out.stderr.trim().replace(/^embargo: /, '') });
    const results = out.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const rank = { pass: 0, review: 1, block: 2 };
    const read = results.filter((r) => r.verdict !== 'invalid');
    const verdict = read.length ? read.reduce((w, r) => (rank[r.verdict] > rank[w] ? r.verdict : w), 'pass') : 'invalid';
    return send(res, read.length ? 200 : 422, { messages: results.length, invalid: results.length - read.length, verdict, results });
  }
  if (p === '/catalog' && req.method === 'GET') {
    return send(res, 200, { sources: JSON.parse(await embargo(['lists', '--json'])) });
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'method not allowed' });
  // static files from web/
  const rel = p === '/' ? '/index.html' : p;
  const file = path.resolve(WEB, '.' + decodeURIComponent(rel));
  if (!file.startsWith(WEB + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return send(res, 404, { error: 'not found' });
  return send(res, 200, fs.readFileSync(file), TYPES[path.extname(file)] || 'application/octet-stream');
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((e) => send(res, 500, { error: e.message }));
});
server.listen(PORT, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
