// A small W3C WebDriver client over plain HTTP (Node's built-in fetch), driving Debian's
// chromium through chromedriver (Debian package chromium-driver). No npm package needed, so the
// browser tests run in CI with Debian packages only.
'use strict';
const { spawn } = require('node:child_process');
const net = require('node:net');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
const KEYS = { Enter: '\uE007', Tab: '\uE004', ArrowDown: '\uE015', ArrowUp: '\uE013', Escape: '\uE00C', Backspace: '\uE003', Shift: '\uE008' };

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class WebDriverError extends Error {}

class Browser {
  constructor(base, proc, dataDir) {
    this.base = base;
    this.proc = proc;
    this.dataDir = dataDir;
    this.session = null;
  }

  static async launch({ chromedriver = '/usr/bin/chromedriver', chromium = '/usr/bin/chromium', width = 1280, height = 800, log } = {}) {
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'embargo-chromium-'));
    const proc = spawn(chromedriver, [`--port=${port}`, '--allowed-ips=127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (out += d));
    const b = new Browser(`http://127.0.0.1:${port}`, proc, dataDir);
    const deadline = Date.now() + 20000;
    for (;;) {
      if (proc.exitCode !== null) throw new WebDriverError(`chromedriver exited: ${out}`);
      try {
        const r = await fetch(b.base + '/status');
        if ((await r.json()).value?.ready) break;
      } catch {
        /* not up yet */
      }
      if (Date.now() > deadline) throw new WebDriverError(`chromedriver did not start: ${out}`);
      await sleep(100);
    }
    const args = [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage', '--hide-scrollbars', '--force-color-profile=srgb', '--lang=en-US',
      `--user-data-dir=${dataDir}`, `--window-size=${width},${height}`,
    ];
    const caps = { capabilities: { alwaysMatch: { browserName: 'chrome', 'goog:chromeOptions': { binary: chromium, args } } } };
    const r = await b.cmd('POST', '/session', caps, true);
    b.session = r.sessionId;
    if (log) log(`chromium ${r.capabilities?.browserVersion} via chromedriver on port ${port}`);
    return b;
  }

  async cmd(method, p, body, raw = false) {
    const url = raw ? this.base + p : `${this.base}/session/${this.session}${p}`;
    const res = await fetch(url, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const j = await res.json();
    if (!res.ok || (j.value && j.value.error)) throw new WebDriverError(`${method} ${p}: ${j.value?.error}: ${j.value?.message?.split('\n')[0]}`);
    return j.value;
  }

  async quit() {
    try {
      if (this.session) await this.cmd('DELETE', '');
    } catch {
      /* already gone */
    }
    this.proc.kill('SIGTERM');
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  go(url) {
    return this.cmd('POST', '/url', { url });
  }

  url() {
    return this.cmd('GET', '/url');
  }

  back() {
    return this.cmd('POST', '/back', {});
  }

  // Runs a function body in the page: exec('return document.title').
  exec(script, ...args) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  async find(css) {
    const v = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return v[ELEMENT];
  }

  async findAll(css) {
    const v = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return v.map((e) => e[ELEMENT]);
  }

  text(el) {
    return this.cmd('GET', `/element/${el}/text`);
  }

  click(el) {
    return this.cmd('POST', `/element/${el}/click`, {});
  }

  type(el, text) {
    return this.cmd('POST', `/element/${el}/value`, { text });
  }

  // Presses keys on whatever has focus, as a user would (key down, key up for each).
  keys(...seq) {
    const actions = [];
    for (const k of seq) {
      for (const ch of KEYS[k] ? [KEYS[k]] : [...k]) actions.push({ type: 'keyDown', value: ch }, { type: 'keyUp', value: ch });
    }
    return this.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions }] });
  }

  // Presses keys together: chord('Shift', 'Tab').
  chord(...keys) {
    const codes = keys.map((k) => KEYS[k] || k);
    const actions = [...codes.map((c) => ({ type: 'keyDown', value: c })), ...codes.reverse().map((c) => ({ type: 'keyUp', value: c }))];
    return this.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions }] });
  }

  // A Chrome DevTools Protocol command through chromedriver (viewport emulation).
  cdp(cmd, params = {}) {
    return this.cmd('POST', '/goog/cdp/execute', { cmd, params });
  }

  async viewport(width, height, { mobile = false, scale = 1 } = {}) {
    await this.cdp('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: scale, mobile });
    await this.cdp('Emulation.setTouchEmulationEnabled', { enabled: mobile });
  }

  async screenshot(file) {
    const b64 = await this.cmd('GET', '/screenshot');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.from(b64, 'base64'));
  }

  // Waits until fn (a page-side function body returning truthy) holds; returns its value.
  async waitFor(script, { timeout = 30000, what = script } = {}, ...args) {
    const deadline = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        last = await this.exec(script, ...args);
        if (last) return last;
      } catch (e) {
        last = e.message;
      }
      if (Date.now() > deadline) throw new WebDriverError(`timed out waiting for: ${what} (last: ${JSON.stringify(last)})`);
      await sleep(50);
    }
  }
}

module.exports = { Browser, KEYS, freePort, sleep };
