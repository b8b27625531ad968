// The shipped nginx configuration, run by a real nginx on loopback in front of the real server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import https from 'node:https';
import net from 'node:net';
import { startServer } from './harness.js';

const root = resolve(import.meta.dirname, '..', '..');
let server;
let nginx;
let dir;
let httpsPort;

function freePort() {
  return new Promise((ok) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => ok(port)); });
  });
}

function request(host, path, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((ok, fail) => {
    const req = https.request({
      host: '127.0.0.1', port: httpsPort, path, method, servername: host.split(':')[0],
      headers: { host: `${host}:${httpsPort}`, ...headers }, rejectUnauthorized: false,
    }, (res) => {
      let data = '';
      res.on('data', (d) => (data += d));
      res.on('end', () => ok({ status: res.statusCode, body: data }));
    });
    req.on('error', fail);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    if (body) req.write(body);
    req.end();
  });
}

before(async () => {
  server = await startServer({ BASE_DOMAIN: 'example.test', TRUSTED_PROXIES: '127.0.0.1' });
  dir = mkdtempSync(join(tmpdir(), 'deskfolio-nginx-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=example.test',
    '-keyout', join(dir, 'privkey.pem'), '-out', join(dir, 'fullchain.pem')], { stdio: 'ignore' });
  const httpPort = await freePort();
  httpsPort = await freePort();
  const conf = readFileSync(join(root, 'deploy', 'nginx.conf'), 'utf8')
    .replaceAll('example\\.com', 'example\\.test')
    .replaceAll('example.com', 'example.test')
    .replace('server app:3000;', `server 127.0.0.1:${server.port};`)
    .replaceAll('listen 80 default_server;', `listen 127.0.0.1:${httpPort} default_server;`)
    .replaceAll('listen 443 ssl default_server;', `listen 127.0.0.1:${httpsPort} ssl default_server;`)
    .replaceAll('listen 80;', `listen 127.0.0.1:${httpPort};`)
    .replaceAll('listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`)
    .replaceAll('/etc/nginx/certs', dir)
    .replace('worker_processes auto;', `worker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;`)
    .replace('http {', `http {\n    access_log off;\n    client_body_temp_path ${dir}/body;\n    proxy_temp_path ${dir}/proxy;\n    fastcgi_temp_path ${dir}/fastcgi;\n    uwsgi_temp_path ${dir}/uwsgi;\n    scgi_temp_path ${dir}/scgi;`);
  writeFileSync(join(dir, 'nginx.conf'), conf);
  execFileSync('nginx', ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'pipe' });
  nginx = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    try { await request('example.test', '/healthz'); break; } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
});

after(async () => {
  nginx?.kill('SIGQUIT');
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('through nginx, the apex shows the landing page and registration answers with an https URL', async () => {
  const landing = await request('example.test', '/');
  assert.equal(landing.status, 200);
  assert.match(landing.body, /Create your portfolio/);
  const res = await request('example.test', '/auth/register', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: `https://example.test:${httpsPort}` },
    body: JSON.stringify({ username: 'Nina', password: 'correct horse battery' }),
  });
  assert.equal(res.status, 201, res.body);
  assert.equal(JSON.parse(res.body).url, `https://nina.example.test:${httpsPort}/`);
});

test('through nginx, a tenant subdomain serves its desktop and an unknown one a 404', async () => {
  await request('example.test', '/auth/register', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'omar', password: 'correct horse battery' }),
  });
  const tenant = await request('omar.example.test', '/');
  assert.equal(tenant.status, 200);
  assert.match(tenant.body, /<title>omar — portfolio<\/title>/);
  const unknown = await request('nobody.example.test', '/');
  assert.equal(unknown.status, 404);
});

test('through nginx, a client cannot choose the tenant with its own X-Subdomain header', async () => {
  const res = await request('example.test', '/', { headers: { 'x-subdomain': 'omar' } });
  assert.equal(res.status, 200);
  assert.match(res.body, /Create your portfolio/);
  assert.doesNotMatch(res.body, /omar — portfolio/);
});

test('nginx drops requests for hosts outside the domain', async () => {
  await assert.rejects(request('evil.invalid', '/'));
});
