// embargo analyst UI: a dependency-free single-page app (hash routes #/, #/entity/ID, #/lists,
// #/alerts (the alerts queue) and #/alerts/ID (working one alert)).
// Every string from the server reaches the DOM through textContent or an attribute set by
// setAttribute: no innerHTML with data anywhere.

const DEFAULT_THRESHOLD = 0.7;
const RESULT_LIMIT = 20;
const STALE_DAYS = 30;

/* ---- DOM helpers ---------------------------------------------------------------------------- */

const $ = (sel, root = document) => root.querySelector(sel);

// h('a', {href, class: 'x', dataset: {id}, onclick}, 'text', child, [more]) -> Element
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false || c === '') continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

const asArray = (v) => (v === null || v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);
const nonEmpty = (a) => asArray(a).filter((x) => x !== null && x !== undefined && String(x).trim() !== '');
const uniq = (a) => [...new Set(a)];

/* ---- scripts and text direction ------------------------------------------------------------- */

const RTL_SCRIPTS = new Set(['Arab', 'Hebr', 'Syrc', 'Thaa', 'Nkoo', 'Adlm']);
const SCRIPT_TESTS = [
  ['Arab', /\p{Script=Arabic}/u], ['Hebr', /\p{Script=Hebrew}/u], ['Cyrl', /\p{Script=Cyrillic}/u],
  ['Grek', /\p{Script=Greek}/u], ['Hani', /\p{Script=Han}/u], ['Hang', /\p{Script=Hangul}/u],
  ['Jpan', /[\p{Script=Hiragana}\p{Script=Katakana}]/u], ['Thai', /\p{Script=Thai}/u],
  ['Geor', /\p{Script=Georgian}/u], ['Armn', /\p{Script=Armenian}/u], ['Deva', /\p{Script=Devanagari}/u],
];
const SCRIPT_NAMES = {
  Latn: 'Latin', Arab: 'Arabic', Hebr: 'Hebrew', Cyrl: 'Cyrillic', Grek: 'Greek', Hani: 'Chinese (Han)',
  Hans: 'Chinese (simplified)', Hant: 'Chinese (traditional)', Hang: 'Korean (Hangul)', Kore: 'Korean',
  Jpan: 'Japanese', Thai: 'Thai', Geor: 'Georgian', Armn: 'Armenian', Deva: 'Devanagari', Syrc: 'Syriac',
};

function detectScript(s) {
  for (const [code, re] of SCRIPT_TESTS) if (re.test(s)) return code;
  return 'Latn';
}

// A span holding a name in its own script: lang="und-Arab" (language undetermined, script known)
// and dir="rtl" for right-to-left scripts, so the browser shapes and orders it correctly.
function scriptSpan(text, script, cls = 'name-text') {
  const sc = script || detectScript(text);
  const attrs = { class: cls, text };
  if (sc !== 'Latn') attrs.lang = 'und-' + sc;
  attrs.dir = RTL_SCRIPTS.has(sc) ? 'rtl' : 'auto';
  return h('bdi', attrs);
}

/* ---- formatting ----------------------------------------------------------------------------- */

const fmtScore = (s) => (typeof s === 'number' && isFinite(s) ? s.toFixed(2) : '–');
const fmtInt = (n) => (typeof n === 'number' ? n.toLocaleString('en-US') : n ?? '–');
const fmtSigned = (x) => (x > 0 ? '+' : x < 0 ? '−' : '±') + Math.abs(x).toFixed(2);
const humanize = (k) => String(k).replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

function parseDate(s) {
  if (!s || typeof s !== 'string') return null;
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(s);
  if (!m) return null;
  const d = new Date(Date.UTC(+m[1], m[2] ? +m[2] - 1 : 0, m[3] ? +m[3] : 1, m[4] ? +m[4] : 0, m[5] ? +m[5] : 0, m[6] ? +m[6] : 0));
  return isNaN(d) ? null : d;
}
const daysSince = (d) => Math.max(0, Math.floor((Date.now() - d.getTime()) / 86400000));
const fmtDay = (s) => (s ? String(s).slice(0, 10) : '');
function fmtDateTime(s) {
  const d = parseDate(s);
  if (!d) return s || '';
  return d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/* ---- the API -------------------------------------------------------------------------------- */

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function errorText(body) {
  if (!body || typeof body !== 'object') return null;
  // embargo's errors: {status, error: a code, detail: the reason}
  if (typeof body.detail === 'string' && body.detail) return body.detail;
  const e = body.error ?? body.message ?? body.detail;
  if (!e) return null;
  if (typeof e === 'string') return e;
  if (typeof e === 'object') return e.message || e.detail || JSON.stringify(e);
  return String(e);
}

// An API key the analyst gave (servers with API keys; kept for this browser tab only).
const KEY_STORE = 'embargo.apiKey';
const apiKey = () => sessionStorage.getItem(KEY_STORE) || '';

async function api(path, options = {}) {
  let res;
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  if (apiKey()) headers.Authorization = 'Bearer ' + apiKey();
  try {
    res = await fetch(path, { ...options, headers });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'The embargo server cannot be reached. Is `embargo serve` running?');
  }
  const text = await res.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const msg = errorText(body) || text.trim().slice(0, 300) || res.statusText || 'request failed';
    throw new ApiError(res.status, msg);
  }
  if (body === null) throw new ApiError(res.status, 'The server answered without JSON.');
  return body;
}

// Normalises a result from /search or /match into what the UI shows; tolerant of field names.
function normResult(r) {
  let ex = r.explanation ?? r.explanation_json ?? null;
  if (typeof ex === 'string') {
    try {
      ex = JSON.parse(ex);
    } catch {
      ex = { text: ex };
    }
  }
  const props = r.properties || {};
  const src = r.source;
  let datasets = nonEmpty(r.datasets);
  if (!datasets.length && src) datasets = nonEmpty(typeof src === 'string' ? src : src.dataset);
  let programs = r.programs;
  if (typeof programs === 'string') programs = programs.split(/\s*;\s*/);
  programs = nonEmpty(programs);
  if (!programs.length) programs = nonEmpty(props.program || props.programId || props.programs);
  if (!programs.length) programs = nonEmpty(props.topics);
  const score = typeof r.score === 'number' ? r.score : parseFloat(r.score);
  return {
    id: r.id,
    caption: r.caption || r.name || r.id,
    schema: r.schema || '',
    score: isFinite(score) ? score : 0,
    match: r.match,
    datasets: uniq(datasets),
    version: (src && typeof src === 'object' && src.version) || r.version || null,
    programs: uniq(programs.map(String)),
    matchedName: r.matched_name || ex?.name?.matched_name || '',
    explanation: ex && typeof ex === 'object' ? ex : null,
  };
}

async function searchApi(p, signal) {
  const qs = new URLSearchParams();
  qs.set('q', p.q);
  if (p.schema) qs.set('schema', p.schema);
  if (p.dob) qs.set('dob', p.dob);
  if (p.country) qs.set('country', p.country);
  qs.set('threshold', p.threshold.toFixed(2));
  qs.set('limit', String(RESULT_LIMIT));
  try {
    const body = await api('/search?' + qs, { signal });
    return Array.isArray(body) ? body : body.results || body.responses?.q?.results || [];
  } catch (e) {
    if (!(e instanceof ApiError) || (e.status !== 404 && e.status !== 405)) throw e;
  }
  // no /search on this server: the yente-shaped /match does the same
  const props = { name: [p.q] };
  if (p.dob) props.birthDate = [p.dob];
  if (p.country) props.nationality = [p.country];
  const body = await api(`/match/default?threshold=${p.threshold.toFixed(2)}&limit=${RESULT_LIMIT}`, {
    method: 'POST',
    signal,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ queries: { q: { schema: p.schema || 'Thing', properties: props } } }),
  });
  const resp = body.responses?.q;
  if (resp && resp.status && resp.status >= 400) throw new ApiError(resp.status, errorText(resp) || 'query refused');
  return resp?.results || [];
}

// One catalog entry, whatever the field names: {source, version, active, published, imported_at,
// format, files, entities, persons, organizations, vessels, aircraft}.
function normCatalog(v) {
  const c = v.counts || {};
  const pick = (...xs) => xs.find((x) => x !== undefined && x !== null);
  return {
    source: pick(v.source, v.name, v.dataset, 'unknown'),
    version: pick(v.list_version, v.version, v.active_version),
    active: v.active === undefined && v.state === undefined ? true : v.active === true || v.active === 1 || v.state === 'active',
    format: v.format || '',
    published: v.published || null,
    imported_at: v.imported_at || v.imported || null,
    files: v.files || '',
    entities: pick(v.entities, v.entity_count, c.entities),
    persons: pick(v.persons, c.persons),
    organizations: pick(v.organizations, c.organizations),
    vessels: pick(v.vessels, c.vessels),
    aircraft: pick(v.aircraft, c.aircraft),
    update: v.update || null,
    max_age_days: typeof v.max_age_days === 'number' ? v.max_age_days : undefined,
  };
}

let catalogCache = null;
async function catalogApi() {
  const body = await api('/catalog');
  const list = Array.isArray(body) ? body : body.sources || body.datasets || body.versions || [];
  // yente's catalog also lists collections (default, sanctions: load false, children): not lists
  catalogCache = list
    .filter((v) => v && typeof v === 'object' && !(v.load === false && Array.isArray(v.children)))
    .map(normCatalog);
  return catalogCache;
}

/* ---- router --------------------------------------------------------------------------------- */

const views = { search: $('#view-search'), entity: $('#view-entity'), lists: $('#view-lists'), alerts: $('#view-alerts'), alert: $('#view-alert'), payments: $('#view-payments') };

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const i = raw.indexOf('?');
  return { path: i < 0 ? raw : raw.slice(0, i), params: new URLSearchParams(i < 0 ? '' : raw.slice(i + 1)) };
}

function show(name) {
  for (const [k, el] of Object.entries(views)) el.hidden = k !== name;
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === name || (name === 'entity' && a.dataset.nav === 'search') || (name === 'alert' && a.dataset.nav === 'alerts')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

let currentView = null;
let focusNameOnce = false;

function route() {
  const { path, params } = parseHash();
  const from = currentView;
  currentView = path.startsWith('/entity/') ? 'entity' : path === '/lists' ? 'lists' : path === '/payments' ? 'payments' : path === '/alerts' ? 'alerts' : path.startsWith('/alerts/') ? 'alert' : 'search';
  if (currentView === 'payments') {
    show('payments');
    showPayments(params);
  } else if (currentView === 'alerts') {
    show('alerts');
    showAlerts(params);
  } else if (currentView === 'alert') {
    show('alert');
    showAlert(decodeURIComponent(path.slice('/alerts/'.length)), params);
  } else if (path.startsWith('/entity/')) {
    show('entity');
    showEntity(decodeURIComponent(path.slice('/entity/'.length)));
  } else if (path === '/lists') {
    show('lists');
    showLists();
  } else {
    show('search');
    showSearch(params, from !== 'search');
  }
}

/* ---- search view ---------------------------------------------------------------------------- */

const form = $('#search-form');
const fq = $('#f-q');
const fSchema = $('#f-schema');
const fDob = $('#f-dob');
const fCountry = $('#f-country');
const fThreshold = $('#f-threshold');
const fThresholdOut = $('#f-threshold-out');
const statusEl = $('#status');
const resultsEl = $('#results');
const introEl = $('#intro');

let lastSearchKey = null; // the query the result list shows
let lastOpenedId = null; // the result opened last, focused again on Back
let searchSeq = 0;
let searchAbort = null;

function readParams(params) {
  let t = parseFloat(params.get('threshold'));
  if (!isFinite(t) || t < 0 || t > 1) t = DEFAULT_THRESHOLD;
  return {
    q: (params.get('q') || '').trim(),
    schema: params.get('schema') || '',
    dob: (params.get('dob') || '').trim(),
    country: (params.get('country') || '').trim(),
    threshold: t,
  };
}

function paramsToHash(p) {
  const qs = new URLSearchParams();
  qs.set('q', p.q);
  if (p.schema) qs.set('schema', p.schema);
  if (p.dob) qs.set('dob', p.dob);
  if (p.country) qs.set('country', p.country);
  if (Math.abs(p.threshold - DEFAULT_THRESHOLD) > 1e-9) qs.set('threshold', p.threshold.toFixed(2));
  return '#/?' + qs.toString();
}

function fillForm(p) {
  if (document.activeElement !== fq || fq.value.trim() !== p.q) fq.value = p.q;
  fSchema.value = p.schema;
  fDob.value = p.dob;
  fCountry.value = p.country;
  fThreshold.value = p.threshold.toFixed(2);
  fThresholdOut.textContent = p.threshold.toFixed(2);
}

function formParams() {
  return {
    q: fq.value.trim(),
    schema: fSchema.value,
    dob: fDob.value.trim(),
    country: fCountry.value.trim(),
    threshold: parseFloat(fThreshold.value) || DEFAULT_THRESHOLD,
  };
}

fThreshold.addEventListener('input', () => {
  fThresholdOut.textContent = (parseFloat(fThreshold.value) || 0).toFixed(2);
});

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const p = formParams();
  if (!p.q) {
    setStatus('Type a name to search.', 'info');
    fq.focus();
    return;
  }
  if (p.dob && !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(p.dob)) {
    setStatus('Birth date: write a year (1960), a month (1960-05) or a day (1960-05-17).', 'error');
    fDob.focus();
    return;
  }
  const target = paramsToHash(p);
  if (location.hash === target) runSearch(p, true);
  else location.hash = target; // the hashchange runs the search; Back returns to the previous query
});

function setStatus(text, kind = 'info') {
  statusEl.textContent = '';
  statusEl.className = 'status status-' + kind;
  if (text) append(statusEl, Array.isArray(text) ? text : [text]);
}

function showSearch(params, entering) {
  const p = readParams(params);
  fillForm(p);
  document.title = p.q ? `${p.q} · embargo` : 'embargo · sanctions screening';
  if (!p.q) {
    searchSeq++;
    resultsEl.replaceChildren();
    setStatus('');
    introEl.hidden = false;
    lastSearchKey = null;
    focusNameOnce = false;
    if (entering || !document.activeElement || document.activeElement === document.body) fq.focus();
    return;
  }
  introEl.hidden = true;
  if (focusNameOnce && !(paramsToHash(p) === lastSearchKey)) focusNameOnce = false;
  const key = paramsToHash(p);
  if (key === lastSearchKey && resultsEl.childElementCount + statusEl.textContent.length > 0) {
    // back from an entity page: the results are still here; put focus back where it was
    const link = lastOpenedId && resultsEl.querySelector(`a.result-link[data-id="${CSS.escape(lastOpenedId)}"]`);
    if (focusNameOnce) {
      focusNameOnce = false;
      fq.focus();
      fq.select();
    } else if (link) link.focus();
    else if (entering) fq.focus();
    return;
  }
  runSearch(p, false);
}

async function runSearch(p, focusResults) {
  const seq = ++searchSeq;
  if (searchAbort) searchAbort.abort();
  searchAbort = new AbortController();
  lastSearchKey = paramsToHash(p);
  resultsEl.setAttribute('aria-busy', 'true');
  const slow = setTimeout(() => seq === searchSeq && setStatus('Searching…', 'busy'), 120);
  const t0 = performance.now();
  let results;
  try {
    results = (await searchApi(p, searchAbort.signal)).map(normResult);
  } catch (e) {
    if (e.name === 'AbortError' || seq !== searchSeq) return;
    clearTimeout(slow);
    resultsEl.removeAttribute('aria-busy');
    resultsEl.replaceChildren();
    setStatus([h('strong', { text: 'Search failed. ' }), e.message || String(e)], 'error');
    lastSearchKey = null;
    return;
  }
  clearTimeout(slow);
  if (seq !== searchSeq) return;
  const ms = Math.round(performance.now() - t0);
  resultsEl.removeAttribute('aria-busy');
  results.sort((a, b) => b.score - a.score);
  const nmatch = results.filter((r) => isMatch(r, p.threshold)).length;
  if (!results.length) {
    resultsEl.replaceChildren();
    setStatus(
      [
        h('strong', { text: 'No listed party found' }),
        ` for “${p.q}” at threshold ${p.threshold.toFixed(2)}. `,
        h('span', { class: 'muted', text: 'Lower the threshold or remove the birth date, country or type to see weaker candidates.' }),
      ],
      'empty',
    );
    return;
  }
  setStatus(
    [
      h('strong', { text: nmatch === 1 ? '1 match' : `${nmatch} matches` }),
      ` at threshold ${p.threshold.toFixed(2)}`,
      results.length > nmatch ? `, ${results.length - nmatch} below it` : '',
      h('span', { class: 'muted', text: ` · ${ms} ms` }),
    ],
    nmatch ? 'hit' : 'info',
  );
  resultsEl.replaceChildren(...results.map((r, i) => renderResult(r, i, p)));
  if (focusResults) resultsEl.querySelector('a.result-link')?.focus();
}

const isMatch = (r, threshold) => (typeof r.match === 'boolean' ? r.match : r.score >= threshold);

function badge(text, cls, title) {
  return h('span', { class: 'badge ' + cls, text, title });
}

function scoreBar(score, threshold, match) {
  const pct = Math.max(0, Math.min(1, score)) * 100;
  return h(
    'div',
    { class: 'score' + (match ? ' score-match' : '') },
    h(
      'div',
      {
        class: 'score-bar',
        role: 'meter',
        'aria-valuemin': '0',
        'aria-valuemax': '1',
        'aria-valuenow': score.toFixed(3),
        'aria-label': `Score ${fmtScore(score)}, threshold ${threshold.toFixed(2)}`,
      },
      h('span', { class: 'score-fill', style: { width: pct.toFixed(1) + '%' } }),
      h('span', { class: 'score-threshold', style: { left: (threshold * 100).toFixed(1) + '%' }, title: `threshold ${threshold.toFixed(2)}` }),
    ),
    h('span', { class: 'score-num', text: fmtScore(score) }),
    h('span', { class: 'score-verdict', text: match ? 'Match' : 'No match' }),
  );
}

function renderResult(r, i, p) {
  const match = isMatch(r, p.threshold);
  const ex = r.explanation;
  const nameEx = ex?.name;
  const showMatched = r.matchedName && r.matchedName.trim().toLowerCase() !== String(r.caption).trim().toLowerCase();
  return h(
    'li',
    { class: 'result' + (match ? ' is-match' : ' is-nomatch'), dataset: { id: r.id } },
    h(
      'div',
      { class: 'result-head' },
      h('span', { class: 'rank', text: String(i + 1), 'aria-hidden': 'true' }),
      h(
        'h2',
        { class: 'result-title' },
        h('a', { class: 'result-link', href: '#/entity/' + encodeURIComponent(r.id), dataset: { id: r.id } }, scriptSpan(r.caption)),
      ),
      h(
        'span',
        { class: 'badges' },
        r.schema ? badge(r.schema, 'badge-schema', 'Type of party') : null,
        r.datasets.map((d) => badge(d, 'badge-source', 'Source list')),
      ),
    ),
    scoreBar(r.score, p.threshold, match),
    h(
      'div',
      { class: 'result-meta' },
      showMatched || (nameEx && nameEx.kind && nameEx.kind !== 'primary')
        ? h(
            'p',
            { class: 'matched' },
            h('span', { class: 'label', text: 'Matched name ' }),
            scriptSpan(r.matchedName || nameEx?.matched_name || ''),
            nameEx?.kind ? badge(nameEx.kind === 'primary' ? 'primary name' : nameEx.kind, 'badge-kind') : null,
            nameEx?.weak_alias ? badge('weak alias', 'badge-weak', 'A weak alias: a short nickname or alias, weighted down') : null,
          )
        : null,
      r.programs.length
        ? h('p', { class: 'programs' }, h('span', { class: 'label', text: 'Programs ' }), r.programs.map((x) => badge(x, 'badge-program')))
        : null,
      h('p', { class: 'result-id mono', text: r.id }),
    ),
    ex ? renderExplanation(ex) : null,
  );
}

const HOW_HELP = {
  exact: 'the same word after normalisation',
  variant: 'a known variant of the same name (transliteration table)',
  skeleton: 'the same consonant skeleton: vowels differ or are not written (Arabic, Persian script)',
  fuzzy: 'a close spelling (typo tolerance)',
  initial: 'an initial meets a full name',
  joined: 'two parts written as one word',
  nickname: 'a common short form of the same given name (Bill for William)',
};

function renderExplanation(ex) {
  const parts = [];
  if (ex.identifier) {
    parts.push(
      h(
        'p',
        { class: 'ex-identifier' },
        badge(ex.identifier.how || 'exact', 'how how-exact'),
        ' Identifier ',
        h('code', { text: ex.identifier.value || '' }),
        ' is listed for this party: a match on its own.',
      ),
    );
  }
  const n = ex.name;
  const al = n?.alignment;
  if (al) {
    const rows = [];
    for (const pr of asArray(al.parts)) {
      const how = String(pr.how || 'exact');
      rows.push(
        h(
          'tr',
          { class: 'pair how-row-' + how },
          h('td', { class: 'part q' }, h('mark', { class: 'part-chip how-' + how, text: pr.query })),
          h(
            'td',
            { class: 'how-cell' },
            h('span', { class: 'how how-' + how, title: HOW_HELP[how] || how, text: how }),
            how !== 'exact' && typeof pr.similarity === 'number' ? h('span', { class: 'sim', text: ' ' + pr.similarity.toFixed(2) }) : null,
          ),
          h('td', { class: 'part l' }, h('mark', { class: 'part-chip how-' + how, text: pr.list })),
        ),
      );
    }
    for (const u of asArray(al.unmatched_query))
      rows.push(
        h(
          'tr',
          { class: 'pair unmatched' },
          h('td', { class: 'part q' }, h('span', { class: 'part-chip off', text: u })),
          h('td', { class: 'how-cell' }, h('span', { class: 'how how-none', text: 'not in list name', title: 'this part of the query met nothing in the listed name: it costs score' })),
          h('td', { class: 'part l' }, h('span', { class: 'dash', 'aria-label': 'nothing', text: '—' })),
        ),
      );
    for (const u of asArray(al.unmatched_list))
      rows.push(
        h(
          'tr',
          { class: 'pair unmatched' },
          h('td', { class: 'part q' }, h('span', { class: 'dash', 'aria-label': 'nothing', text: '—' })),
          h('td', { class: 'how-cell' }, h('span', { class: 'how how-none', text: 'not in query', title: 'this part of the listed name is missing from the query: it costs little' })),
          h('td', { class: 'part l' }, h('span', { class: 'part-chip off', text: u })),
        ),
      );
    parts.push(
      h(
        'table',
        { class: 'align' },
        h('caption', { class: 'visually-hidden', text: 'How the parts of the query met the parts of the listed name' }),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', { scope: 'col' }, 'Query ', n.query ? h('bdi', { class: 'muted', dir: 'auto', text: `“${n.query}”` }) : null),
            h('th', { scope: 'col', class: 'how-cell' }, 'met by'),
            h('th', { scope: 'col' }, 'Listed ', n.matched_name ? h('bdi', { class: 'muted', dir: 'auto', text: `“${n.matched_name}”` }) : null),
          ),
        ),
        h('tbody', null, rows),
      ),
    );
    const facts = [];
    if (typeof n.score === 'number') facts.push(`name score ${fmtScore(n.score)}`);
    if (typeof al.query_coverage === 'number') facts.push(`query covered ${Math.round(al.query_coverage * 100)}%`);
    if (typeof al.list_coverage === 'number') facts.push(`listed name covered ${Math.round(al.list_coverage * 100)}%`);
    if (n.weak_alias) facts.push('weak alias: weighted down');
    if (facts.length) parts.push(h('p', { class: 'ex-facts muted', text: facts.join(' · ') }));
  }
  const quals = asArray(ex.qualifiers);
  if (quals.length) {
    parts.push(
      h(
        'ul',
        { class: 'qualifiers', 'aria-label': 'Other facts' },
        quals.map((q) => {
          const eff = typeof q.effect === 'number' ? q.effect : parseFloat(q.effect) || 0;
          return h(
            'li',
            { class: 'qual ' + (eff > 0 ? 'qual-plus' : eff < 0 ? 'qual-minus' : 'qual-zero') },
            h('span', { class: 'qual-fact', text: humanize(q.fact || '') }),
            h('span', { class: 'qual-effect', text: fmtSigned(eff) }),
            q.detail ? h('span', { class: 'qual-detail', text: q.detail }) : null,
          );
        }),
      ),
    );
  }
  if (!parts.length && ex.text) parts.push(h('p', { class: 'ex-text', text: ex.text }));
  if (!parts.length) return null;
  return h('div', { class: 'explain' }, h('h3', { class: 'visually-hidden', text: 'Why this scored' }), parts);
}

/* ---- entity view ---------------------------------------------------------------------------- */

let entitySeq = 0;

// The entity as the UI shows it: the raw stored entity ("embargo") when the server gives it,
// else a best effort from the FtM properties.
function normEntity(body) {
  const raw = body.embargo && typeof body.embargo === 'object' ? body.embargo : Array.isArray(body.names) ? body : null;
  const P = body.properties || {};
  const e = {
    id: body.id || raw?.id,
    caption: body.caption || raw?.caption || body.id,
    schema: body.schema || raw?.schema || '',
    datasets: nonEmpty(body.datasets),
    source: raw?.source || (typeof body.source === 'string' ? body.source : body.source?.dataset) || '',
    version: raw?.version || body.version || body.source?.version || null,
    sourceId: raw?.source_id || '',
    listedOn: raw?.listed_on || nonEmpty(P.createdAt || P.listingDate)[0] || '',
    remarks: raw ? raw.remarks || '' : nonEmpty(P.notes).join('\n\n'),
    gender: raw ? raw.gender || '' : nonEmpty(P.gender).join(', '),
  };
  e.related = asArray(body.related);
  if (!e.datasets.length && e.source) e.datasets = [e.source];
  if (!e.source && e.datasets.length) e.source = e.datasets[0];
  if (raw) {
    e.names = asArray(raw.names).map((n) => (typeof n === 'string' ? { full: n, kind: 'aka' } : n));
    e.birthDates = asArray(raw.birth_dates).map((d) => (typeof d === 'string' ? { text: d } : d));
    e.birthPlaces = nonEmpty(raw.birth_places);
    e.nationalities = nonEmpty(raw.nationalities);
    e.citizenships = nonEmpty(raw.citizenships);
    e.addresses = asArray(raw.addresses).map((a) => (typeof a === 'string' ? { full: a } : a));
    e.identifiers = asArray(raw.identifiers);
    e.programs = nonEmpty(raw.programs);
    e.links = asArray(raw.links);
    e.other = raw.properties || {};
  } else {
    e.names = [
      ...nonEmpty(P.name).map((full, i) => ({ full, kind: i === 0 ? 'primary' : 'aka' })),
      ...nonEmpty(P.alias).map((full) => ({ full, kind: 'aka', strength: 'strong' })),
      ...nonEmpty(P.previousName).map((full) => ({ full, kind: 'fka' })),
      ...nonEmpty(P.weakAlias).map((full) => ({ full, kind: 'aka', strength: 'weak' })),
    ];
    e.birthDates = nonEmpty(P.birthDate).map((text) => ({ text }));
    e.birthPlaces = nonEmpty(P.birthPlace);
    e.nationalities = nonEmpty(P.nationality);
    e.citizenships = nonEmpty(P.citizenship);
    e.addresses = nonEmpty(P.address).map((full) => ({ full }));
    const idProps = { passportNumber: 'passport', idNumber: 'id', imoNumber: 'imo', mmsi: 'mmsi', swiftBic: 'bic', taxNumber: 'tax', registrationNumber: 'registration', cryptoWallet: 'crypto', email: 'email', phone: 'phone', callSign: 'call sign' };
    e.identifiers = [];
    for (const [k, type] of Object.entries(idProps)) for (const value of nonEmpty(P[k])) e.identifiers.push({ type, value });
    e.programs = nonEmpty(P.program || P.programId);
    e.links = nonEmpty(P.associates || P.linkedTo).map((target_id) => ({ relation: 'linked_to', target_id: String(target_id) }));
    const shown = new Set(['name', 'alias', 'previousName', 'weakAlias', 'firstName', 'middleName', 'lastName', 'birthDate', 'birthPlace', 'nationality', 'citizenship', 'address', 'program', 'programId', 'notes', 'gender', 'topics', 'associates', 'linkedTo', ...Object.keys(idProps)]);
    e.other = Object.fromEntries(Object.entries(P).filter(([k]) => !shown.has(k)));
  }
  return e;
}

function section(title, ...content) {
  const body = content.flat().filter(Boolean);
  if (!body.length) return null;
  const id = 'sec-' + title.toLowerCase().replace(/[^a-z]+/g, '-');
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id, text: title }), body);
}

function factList(items) {
  // items: [label, value|Node|[...]]; empty values skipped
  const rows = items.filter(([, v]) => (Array.isArray(v) ? v.length : v));
  if (!rows.length) return null;
  return h(
    'dl',
    { class: 'facts' },
    rows.map(([k, v]) => [h('dt', { text: k }), h('dd', null, Array.isArray(v) ? v.map((x, i) => [i ? h('br') : null, x]) : v)]),
  );
}

function birthDateText(d) {
  let t;
  if (d.from && d.to && d.from !== d.to) t = `${d.from} to ${d.to}`;
  else t = d.from || d.to || d.text || '';
  if (d.circa) t = 'circa ' + t;
  return t;
}

function copyButton(value, label) {
  return h('button', {
    type: 'button',
    class: 'copy',
    'aria-label': `Copy ${label}`,
    title: 'Copy',
    text: 'Copy',
    onclick: async (ev) => {
      const ok = await copyText(value);
      toast(ok ? `Copied ${value}` : 'Copy failed: select the value and copy it');
      ev.currentTarget.textContent = ok ? 'Copied' : 'Copy';
      const b = ev.currentTarget;
      setTimeout(() => (b.textContent = 'Copy'), 1500);
    },
  });
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = h('textarea', { class: 'offscreen', readonly: true });
    ta.value = text;
    document.body.appendChild(ta);
    ta.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    ta.remove();
    return ok;
  }
}

let toastTimer = null;
function toast(text) {
  const t = $('#toast');
  t.textContent = text;
  t.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => t.classList.remove('show'), 2200);
}

function backLink() {
  return h('a', { class: 'back', href: lastSearchKey || '#/' }, lastSearchKey ? '← Back to results' : '← New search');
}

async function showEntity(id) {
  const view = views.entity;
  const seq = ++entitySeq;
  lastOpenedId = id;
  view.setAttribute('aria-busy', 'true');
  if (!view.firstChild || view.dataset.id !== id) {
    view.replaceChildren(h('p', { class: 'status status-busy', text: 'Loading…' }));
  }
  view.dataset.id = id;
  let body;
  const cat = catalogCache ? Promise.resolve(catalogCache) : catalogApi().catch(() => null);
  try {
    body = await api('/entities/' + encodeURIComponent(id));
  } catch (e) {
    if (seq !== entitySeq) return;
    view.removeAttribute('aria-busy');
    document.title = 'Not found · embargo';
    view.replaceChildren(
      backLink(),
      h('h1', { class: 'entity-title', tabindex: '-1', text: e.status === 404 ? 'No such entity' : 'Could not load the entity' }),
      h('p', { class: 'status status-error' }, h('span', { class: 'mono', text: id }), ': ', e.message || String(e)),
    );
    $('h1', view).focus();
    return;
  }
  const catalog = await cat;
  if (seq !== entitySeq) return;
  view.removeAttribute('aria-busy');
  const e = normEntity(body);
  document.title = `${e.caption} · embargo`;
  view.replaceChildren(...renderEntity(e, catalog));
  $('h1', view).focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

function sourceLine(e, catalog) {
  const src = e.source || e.datasets[0] || '';
  const rows = Array.isArray(catalog) ? catalog.filter((c) => c.source === src) : [];
  const active = rows.find((c) => c.active) || rows[0];
  const version = e.version || active?.version;
  const parts = [badge(src || 'unknown source', 'badge-source', 'Source list')];
  if (version) parts.push(h('span', { text: ` version ${version}` }));
  if (active?.published) parts.push(h('span', { class: 'muted', text: ` · published ${fmtDay(active.published)}` }));
  if (e.sourceId) parts.push(h('span', { class: 'muted', text: ` · source ID ${e.sourceId}` }));
  return parts;
}

function identTable(ids) {
  const hasCountry = ids.some((i) => i.country);
  const hasNote = ids.some((i) => i.note || i.currency);
  const cols = ['Type', 'Value', hasCountry && 'Country', hasNote && 'Note'].filter(Boolean);
  return h(
    'table',
    { class: 'idents' },
    h('thead', null, h('tr', null, cols.map((t) => h('th', { scope: 'col', text: t })), h('th', null, h('span', { class: 'visually-hidden', text: 'Copy' })))),
    h(
      'tbody',
      null,
      ids.map((id) =>
        h(
          'tr',
          null,
          h('td', { class: 'ident-type', text: id.label || humanize(id.type || '') }),
          h('td', { class: 'ident-val' }, h('code', { class: 'ident-value', text: id.value || '' })),
          hasCountry ? h('td', { text: id.country || '' }) : null,
          hasNote ? h('td', { class: 'muted', text: [id.currency, id.note].filter(Boolean).join(' · ') }) : null,
          h('td', { class: 'ident-copy' }, id.value ? copyButton(id.value, `${id.label || id.type || 'identifier'} ${id.value}`) : null),
        ),
      ),
    ),
  );
}

function renderEntity(e, catalog) {
  const names = e.names.length ? e.names : [{ full: e.caption, kind: 'primary' }];
  const out = [];
  out.push(backLink());
  out.push(
    h(
      'header',
      { class: 'entity-head' },
      h('h1', { class: 'entity-title', tabindex: '-1' }, scriptSpan(e.caption)),
      h('p', { class: 'entity-sub' }, e.schema ? badge(e.schema, 'badge-schema') : null, ' ', sourceLine(e, catalog)),
      h(
        'p',
        { class: 'entity-sub muted' },
        h('span', { class: 'mono', text: e.id }),
        e.listedOn ? ` · listed on ${fmtDay(e.listedOn)}` : '',
      ),
      e.programs.length ? h('p', { class: 'programs' }, h('span', { class: 'label', text: 'Programs ' }), e.programs.map((p) => badge(p, 'badge-program'))) : null,
    ),
  );

  const grid = h('div', { class: 'entity-grid' });
  append(grid, [
    section(
      `Names (${names.length})`,
      h(
        'table',
        { class: 'names' },
        h('thead', null, h('tr', null, h('th', { scope: 'col', text: 'Name' }), h('th', { scope: 'col', text: 'Kind' }), h('th', { scope: 'col', text: 'Script' }))),
        h(
          'tbody',
          null,
          names.map((n) => {
            const script = n.script || detectScript(n.full || '');
            const weak = n.strength === 'weak';
            return h(
              'tr',
              { class: weak ? 'weak' : null },
              h(
                'td',
                { class: 'name-cell' },
                scriptSpan(n.full || [n.first, n.middle, n.last].filter(Boolean).join(' '), script),
                n.first || n.last
                  ? h('span', { class: 'name-parts muted', text: [n.first && `given: ${n.first}`, n.middle && `middle: ${n.middle}`, n.last && `family: ${n.last}`].filter(Boolean).join(' · ') })
                  : null,
              ),
              h(
                'td',
                null,
                badge(n.kind || 'aka', 'badge-kind' + (n.kind === 'primary' ? ' badge-primary' : '')),
                weak ? badge('weak', 'badge-weak', 'A weak alias (low quality a.k.a.): weighted down in matching') : null,
              ),
              h('td', { class: 'muted', text: SCRIPT_NAMES[script] || script }),
            );
          }),
        ),
      ),
    ),
    section(
      'Identity',
      factList([
        ['Birth date', e.birthDates.map(birthDateText).filter(Boolean)],
        ['Place of birth', e.birthPlaces],
        ['Nationality', e.nationalities],
        ['Citizenship', e.citizenships],
        ['Gender', e.gender],
      ]),
    ),
    e.identifiers.length
      ? section(
          `Identifiers (${e.identifiers.length})`,
          identTable(e.identifiers),
        )
      : null,
    e.addresses.length
      ? section(
          e.addresses.length > 1 ? `Addresses (${e.addresses.length})` : 'Address',
          h(
            'ul',
            { class: 'plain' },
            e.addresses.map((a) => h('li', null, h('bdi', { dir: 'auto', text: a.full || [a.street, a.city, a.region, a.postal, a.country].filter(Boolean).join(', ') }))),
          ),
        )
      : null,
    e.links.length
      ? section(
          'Linked parties',
          h(
            'ul',
            { class: 'plain links' },
            e.links.map((l) =>
              h(
                'li',
                null,
                h('span', { class: 'muted', text: humanize(l.relation || 'linked to') + ' ' }),
                l.target_id
                  ? h('a', { href: '#/entity/' + encodeURIComponent(l.target_id) }, scriptSpan(l.target_name || l.target_id))
                  : scriptSpan(l.target_name || ''),
                l.target_id ? h('span', { class: 'mono muted', text: ' ' + l.target_id }) : null,
              ),
            ),
          ),
        )
      : null,
    e.related.length
      ? section(
          'Also listed on',
          h(
            'ul',
            { class: 'plain links related' },
            e.related.map((x) =>
              h(
                'li',
                null,
                h('span', { class: 'badge', text: x.source || '' }),
                ' ',
                h('a', { href: '#/entity/' + encodeURIComponent(x.id) }, scriptSpan(x.caption || x.id)),
                h('span', { class: 'muted', text: ' — ' + (x.reason || '') }),
              ),
            ),
          ),
        )
      : null,
    e.remarks ? section('Remarks', h('p', { class: 'remarks', text: e.remarks })) : null,
    Object.keys(e.other || {}).length
      ? section('Other facts', factList(Object.entries(e.other).map(([k, v]) => [humanize(k), nonEmpty(v).map(String)])))
      : null,
  ]);
  out.push(grid);
  return out;
}

/* ---- lists view ----------------------------------------------------------------------------- */

async function showLists() {
  const view = views.lists;
  document.title = 'Lists · embargo';
  if (!view.firstChild) view.replaceChildren(h('h1', { tabindex: '-1', text: 'Lists' }), h('p', { class: 'status status-busy', text: 'Loading…' }));
  let list;
  try {
    list = await catalogApi();
  } catch (e) {
    view.replaceChildren(h('h1', { tabindex: '-1', text: 'Lists' }), h('p', { class: 'status status-error' }, h('strong', { text: 'Could not load the catalog. ' }), e.message || String(e)));
    return;
  }
  const bySource = new Map();
  for (const v of list) {
    const k = v.source;
    if (!bySource.has(k)) bySource.set(k, []);
    bySource.get(k).push(v);
  }
  const cards = [];
  for (const [source, versions] of [...bySource.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    versions.sort((a, b) => (b.version || 0) - (a.version || 0));
    const active = versions.find((v) => v.active);
    const cur = active || versions[0];
    const published = parseDate(cur.published);
    const imported = parseDate(cur.imported_at);
    const age = published ? daysSince(published) : null;
    const maxAge = typeof cur.max_age_days === 'number' ? cur.max_age_days : STALE_DAYS;
    let ageNode;
    if (age === null) ageNode = h('span', { class: 'age age-unknown', text: 'publication date not given by the file' });
    else ageNode = h('span', { class: 'age ' + (age > maxAge ? 'age-stale' : 'age-fresh'), text: age === 0 ? 'published today' : `${fmtInt(age)} day${age === 1 ? '' : 's'} old` });
    const counts = [
      ['Entities', cur.entities],
      ['Persons', cur.persons],
      ['Organizations', cur.organizations],
      ['Vessels', cur.vessels],
      ['Aircraft', cur.aircraft],
    ].filter(([, n]) => n !== undefined && n !== null);
    cards.push(
      h(
        'article',
        { class: 'card list-card' + (age === null ? ' undated' : age > maxAge ? ' stale' : ''), dataset: { source } },
        h(
          'header',
          { class: 'list-head' },
          h('h2', { class: 'list-name', text: source }),
          active ? badge(`version ${cur.version} · active`, 'badge-active') : badge(`version ${cur.version ?? '?'} · not active`, 'badge-inactive'),
        ),
        h(
          'p',
          { class: 'list-age' },
          ageNode,
          age !== null && age > maxAge ? h('span', { class: 'stale-note', text: ` Older than ${maxAge} days: import a current list.` }) : null,
        ),
        factList([
          ['Published', published ? fmtDay(cur.published) : 'unknown'],
          ['Imported', imported ? `${fmtDateTime(cur.imported_at)} (${daysSince(imported) === 0 ? 'today' : fmtInt(daysSince(imported)) + ' d ago'})` : cur.imported_at || ''],
          ['Format', cur.format || ''],
          ['Files', cur.files ? (Array.isArray(cur.files) ? cur.files.join(', ') : String(cur.files)) : ''],
          ['Last update', cur.update && cur.update.last_success ? fmtDateTime(cur.update.last_success) : ''],
          [
            'Last failed update',
            cur.update && cur.update.last_failure
              ? `${fmtDateTime(cur.update.last_failure)}: ${cur.update.last_failure_error || ''}${cur.update.consecutive_failures ? ` (${cur.update.consecutive_failures} in a row)` : ''}`
              : '',
          ],
        ]),
        h(
          'dl',
          { class: 'counts' },
          counts.map(([k, n]) => h('div', null, h('dt', { text: k }), h('dd', { text: fmtInt(n) }))),
        ),
        versions.length > 1
          ? h(
              'details',
              { class: 'versions' },
              h('summary', { text: `${versions.length} versions` }),
              h(
                'table',
                null,
                h('thead', null, h('tr', null, ['Version', 'Published', 'Imported', 'Entities', ''].map((t) => h('th', { scope: 'col', text: t })))),
                h(
                  'tbody',
                  null,
                  versions.map((v) =>
                    h('tr', null, h('td', { text: String(v.version ?? '') }), h('td', { text: fmtDay(v.published) || '–' }), h('td', { text: fmtDateTime(v.imported_at) }), h('td', { class: 'num', text: fmtInt(v.entities) }), h('td', { text: v === active ? 'active' : '' })),
                  ),
                ),
              ),
            )
          : null,
      ),
    );
  }
  const total = [...bySource.values()].reduce((s, vs) => s + ((vs.find((v) => v.active) || vs[0]).entities || 0), 0);
  view.replaceChildren(
    h('h1', { tabindex: '-1', text: 'Lists' }),
    h('p', { class: 'muted lead', text: `${bySource.size} source${bySource.size === 1 ? '' : 's'}, ${fmtInt(total)} listed parties in the active versions. Sanctions lists change weekly: screen only against current ones.` }),
    cards.length ? h('div', { class: 'list-grid' }, cards) : h('p', { class: 'status status-empty', text: 'No list is imported yet: run `embargo import FILE`.' }),
  );
}

/* ---- alerts queue --------------------------------------------------------------------------- */
// #/alerts?register=R&state=S&older_than=7d lists the alerts of the monitored registers (GET
// /alerts); #/alerts/ID?... works one of them: the customer record and the listed entity side by
// side with the explanation between them, the alert's history, and a decision with a comment, all
// from the keyboard (f false positive, t true match, e escalate, r reopen, c comment, Enter
// decide, j/k next/previous alert of the queue, Escape back to the queue). A true match needs a
// second analyst (four eyes): the alert is "pending" with who proposed it until another confirms.

const STATES = [
  ['active', 'Active (open, escalated, pending)'],
  ['open', 'Open'],
  ['escalated', 'Escalated'],
  ['pending', 'Pending confirmation'],
  ['true_match', 'True match'],
  ['false_positive', 'False positive'],
  ['closed', 'Closed'],
  ['', 'All'],
];
const AGES = [
  ['', 'Any age'],
  ['1d', 'Older than 1 day'],
  ['7d', 'Older than 7 days'],
  ['30d', 'Older than 30 days'],
];
const STATE_TEXT = { open: 'open', escalated: 'escalated', pending: 'pending (four eyes)', true_match: 'true match', false_positive: 'false positive', closed: 'closed' };
const DECISIONS = {
  f: ['false_positive', 'False positive'],
  t: ['true_match', 'True match'],
  e: ['escalate', 'Escalate'],
  r: ['reopen', 'Reopen'],
};
const QUEUE_LIMIT = 200;
const USER_STORE = 'embargo.analyst';

// the queue's filters from the hash parameters (state defaults to the active alerts)
function queueFilters(params) {
  return {
    register: params.get('register') || '',
    state: params.has('state') ? params.get('state') : 'active',
    older_than: params.get('older_than') || '',
  };
}

function filtersQuery(f) {
  const qs = new URLSearchParams();
  if (f.register) qs.set('register', f.register);
  if (f.state !== 'active') qs.set('state', f.state);
  if (f.older_than) qs.set('older_than', f.older_than);
  return qs.toString();
}

function alertsApi(f) {
  const qs = new URLSearchParams();
  if (f.register) qs.set('register', f.register);
  if (f.state) qs.set('state', f.state);
  if (f.older_than) qs.set('older_than', f.older_than);
  qs.set('limit', String(QUEUE_LIMIT));
  return api('/alerts?' + qs);
}

const stateBadge = (state) => badge(STATE_TEXT[state] || state || '?', 'badge-state state-' + (state || 'unknown'));
const recordName = (a) => nonEmpty(a.record_facts?.names)[0] || a.record?.names?.[0] || a.record_id;

function ageText(iso) {
  const d = parseDate(iso);
  if (!d) return '';
  const days = daysSince(d);
  if (days > 0) return `${days} d`;
  const hours = Math.floor((Date.now() - d.getTime()) / 3600000);
  return hours > 0 ? `${hours} h` : 'now';
}

// asks for an API key when the server wants one (401); the key stays in this tab
function keyForm(view, message, retry) {
  const input = h('input', { id: 'api-key', type: 'password', autocomplete: 'off', spellcheck: 'false' });
  const f = h(
    'form',
    {
      class: 'card key-form',
      onsubmit: (ev) => {
        ev.preventDefault();
        sessionStorage.setItem(KEY_STORE, input.value.trim());
        retry();
      },
    },
    h('h1', { tabindex: '-1', text: 'API key needed' }),
    h('p', { class: 'muted', text: message }),
    h('div', { class: 'field' }, h('label', { for: 'api-key', text: 'API key (analyst or admin scope)' }), input),
    h('button', { type: 'submit', text: 'Use this key' }),
  );
  view.replaceChildren(f);
  input.focus();
}

let queueCache = { key: null, ids: [] };
let alertsSeq = 0;

async function showAlerts(params) {
  const view = views.alerts;
  const f = queueFilters(params);
  const seq = ++alertsSeq;
  document.title = 'Alerts · embargo';
  let body, regs;
  try {
    [body, regs] = await Promise.all([alertsApi(f), api('/registers').catch(() => [])]);
  } catch (e) {
    if (seq !== alertsSeq) return;
    if (e.status === 401) return keyForm(view, e.message, () => showAlerts(params));
    view.replaceChildren(h('h1', { id: 'alerts-title', tabindex: '-1', text: 'Alerts' }), h('p', { class: 'status status-error' }, h('strong', { text: 'Could not load the alerts. ' }), e.message || String(e)));
    return;
  }
  if (seq !== alertsSeq) return;
  const list = asArray(body.alerts);
  queueCache = { key: filtersQuery(f), ids: list.map((a) => a.id) };
  const go = (patch) => {
    const q = filtersQuery({ ...f, ...patch });
    location.hash = '#/alerts' + (q ? '?' + q : '');
  };
  const select = (id, label, options, value, onchange) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: id, text: label }),
      h('select', { id, onchange: (ev) => onchange(ev.target.value) }, options.map(([v, t]) => h('option', { value: v, selected: v === value, text: t }))),
    );
  const regOptions = [['', 'All registers'], ...asArray(regs).map((r) => [r.name, `${r.name} (${fmtInt(r.records)} records)`])];
  if (f.register && !regOptions.some(([v]) => v === f.register)) regOptions.push([f.register, f.register]);
  const q = filtersQuery(f);
  const rows = list.map((a) =>
    h(
      'tr',
      { class: 'queue-row state-row-' + a.state, dataset: { id: String(a.id) } },
      h('td', { class: 'num' }, h('a', { class: 'alert-link', href: `#/alerts/${a.id}${q ? '?' + q : ''}`, dataset: { id: String(a.id) } }, String(a.id))),
      h('td', null, stateBadge(a.state), a.state === 'pending' && a.proposed_by ? h('span', { class: 'muted small', text: ` by ${a.proposed_by}` }) : null),
      h('td', { class: 'mono', text: a.register || '' }),
      h('td', null, h('span', { class: 'mono muted', text: a.record_id + ' ' }), scriptSpan(recordName(a))),
      h('td', null, scriptSpan(a.caption || a.entity_id), ' ', badge(a.dataset || '', 'badge-source')),
      h('td', { class: 'num mono', text: fmtScore(a.score) }),
      h('td', { class: 'num', title: fmtDateTime(a.opened_at), text: ageText(a.opened_at) }),
      h('td', { text: a.assignee || '' }),
    ),
  );
  const total = body.total ?? list.length;
  view.replaceChildren(
    h('h1', { id: 'alerts-title', tabindex: '-1', text: 'Alerts' }),
    h(
      'form',
      { class: 'queue-filters', role: 'search', 'aria-label': 'Filter the alerts', onsubmit: (ev) => ev.preventDefault() },
      select('q-register', 'Register', regOptions, f.register, (v) => go({ register: v })),
      select('q-state', 'State', STATES, f.state, (v) => go({ state: v })),
      select('q-age', 'Age', AGES, f.older_than, (v) => go({ older_than: v })),
    ),
    h(
      'p',
      { id: 'queue-status', class: 'status', role: 'status' },
      h('strong', { text: total === 1 ? '1 alert' : `${fmtInt(total)} alerts` }),
      list.length < total ? ` (the newest ${list.length} shown)` : '',
      list.length ? h('span', { class: 'muted', text: ' · j/k move, Enter works the alert' }) : '',
    ),
    list.length
      ? h(
          'table',
          { class: 'queue card' },
          h('caption', { class: 'visually-hidden', text: 'Alerts, newest first' }),
          h('thead', null, h('tr', null, ['Alert', 'State', 'Register', 'Record', 'Listed as', 'Score', 'Age', 'Assignee'].map((t) => h('th', { scope: 'col', text: t })))),
          h('tbody', null, rows),
        )
      : h('p', { class: 'status status-empty', text: asArray(regs).length ? 'No alert matches these filters.' : 'No register is monitored yet: import one (embargo register import FILE, or POST /registers/NAME/import).' }),
  );
  if (lastAlertId) view.querySelector(`a.alert-link[data-id="${CSS.escape(String(lastAlertId))}"]`)?.focus();
}

/* ---- one alert ---- */

let lastAlertId = null;
let alertState = null; // {id, alert, params, decision}

function recordCard(rec) {
  const items = [];
  for (const [k, v] of Object.entries(rec || {})) {
    if (k === 'id' || k === 'revision' || v === null || v === undefined) continue;
    const vals = asArray(v).map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x)));
    if (vals.length) items.push([humanize(k), k === 'names' ? vals.map((n) => scriptSpan(n)) : vals]);
  }
  return section('Customer record', h('p', { class: 'side-title' }, h('span', { class: 'mono', text: rec?.id || '' })), factList(items));
}

const ENTITY_PROPS = [
  ['name', 'Name'], ['alias', 'Alias'], ['weakAlias', 'Weak alias'], ['previousName', 'Previous name'],
  ['birthDate', 'Birth date'], ['birthPlace', 'Place of birth'], ['nationality', 'Nationality'],
  ['citizenship', 'Citizenship'], ['country', 'Country'], ['gender', 'Gender'],
  ['passportNumber', 'Passport'], ['idNumber', 'ID number'], ['taxNumber', 'Tax number'],
  ['registrationNumber', 'Registration'], ['imoNumber', 'IMO'], ['swiftBic', 'BIC'], ['cryptoWallet', 'Wallet'],
  ['program', 'Programs'],
];

function entityCard(a) {
  const e = a.entity || {};
  const P = e.properties || {};
  const names = e.country_names || {};
  const items = ENTITY_PROPS.map(([k, label]) => {
    let vals = nonEmpty(P[k]).map(String);
    if (['nationality', 'citizenship', 'country'].includes(k)) vals = vals.map((c) => names[c] || c);
    if (['name', 'alias', 'weakAlias', 'previousName'].includes(k)) return [label, vals.map((n) => scriptSpan(n))];
    return [label, vals];
  });
  return section(
    'Listed entity',
    h('p', { class: 'side-title' }, h('a', { href: '#/entity/' + encodeURIComponent(a.entity_id) }, scriptSpan(e.caption || a.caption || a.entity_id)), ' ', badge(a.dataset || '', 'badge-source'), h('span', { class: 'muted', text: ` version ${a.list_version}` })),
    factList(items),
  );
}

function historyList(events) {
  return section(
    'History',
    h(
      'ol',
      { class: 'history' },
      asArray(events).map((ev) =>
        h(
          'li',
          { class: 'event event-' + (ev.kind || '') },
          h('span', { class: 'event-at mono', text: fmtDateTime(ev.at) }),
          h('span', { class: 'event-kind', text: humanize(ev.kind || '') }),
          ev.state ? stateBadge(ev.state) : null,
          h('span', { class: 'event-user', text: ev.user ? `by ${ev.user}` : '' }),
          ev.comment ? h('q', { class: 'event-comment', text: ev.comment }) : null,
          ev.detail && Object.keys(ev.detail).length ? h('span', { class: 'event-detail muted', text: Object.entries(ev.detail).map(([k, v]) => `${humanize(k)}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ') }) : null,
        ),
      ),
    ),
  );
}

function decisionForm(a) {
  const decided = ['false_positive', 'true_match', 'closed', 'pending'].includes(a.state);
  const workable = ['open', 'escalated', 'pending'].includes(a.state);
  const buttons = Object.entries(DECISIONS)
    .filter(([, [d]]) => (d === 'reopen' ? decided : d === 'escalate' ? a.state === 'open' : workable))
    .map(([k, [d, label]]) =>
      h('button', { type: 'button', class: 'decide-btn', 'aria-pressed': 'false', dataset: { decision: d }, onclick: () => pickDecision(d) }, h('kbd', { text: k }), ' ', label),
    );
  const user = localStorage.getItem(USER_STORE) || '';
  return h(
    'form',
    { id: 'decision-form', class: 'card decision', onsubmit: (ev) => (ev.preventDefault(), submitDecision()) },
    h('h2', { text: 'Decision' }),
    buttons.length ? h('div', { class: 'decide-buttons', role: 'group', 'aria-label': 'Decision' }, buttons) : h('p', { class: 'muted', text: 'Nothing to decide in this state.' }),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'decision-comment', text: 'Comment (why; required for a false positive or a true match)' }),
      h('textarea', { id: 'decision-comment', rows: '3', spellcheck: 'true' }),
    ),
    apiKey()
      ? h('p', { class: 'muted small', text: 'Deciding as the analyst of your API key.' })
      : h(
          'div',
          { class: 'field field-user' },
          h('label', { for: 'decision-user', text: 'Deciding as' }),
          h('input', { id: 'decision-user', type: 'text', value: user, placeholder: 'your name', autocomplete: 'username', onchange: (ev) => localStorage.setItem(USER_STORE, ev.target.value.trim()) }),
        ),
    h('div', { class: 'decide-submit' }, h('button', { type: 'submit', id: 'decision-submit', text: 'Decide' }), h('span', { class: 'muted small' }, h('kbd', { text: 'Enter' }), ' in the comment decides · ', h('kbd', { text: 'Shift' }), '+', h('kbd', { text: 'Enter' }), ' new line')),
    h('p', { id: 'decision-status', class: 'status', role: 'alert' }),
  );
}

function pickDecision(d) {
  if (!alertState) return;
  const btn = views.alert.querySelector(`.decide-btn[data-decision="${d}"]`);
  if (!btn) {
    toast(`${humanize(d)} is not possible while the alert is ${STATE_TEXT[alertState.alert.state] || alertState.alert.state}`);
    return;
  }
  alertState.decision = d;
  for (const b of views.alert.querySelectorAll('.decide-btn')) b.setAttribute('aria-pressed', String(b === btn));
  $('#decision-comment').focus();
}

async function submitDecision() {
  const st = alertState;
  const status = $('#decision-status');
  if (!st) return;
  if (!st.decision) {
    status.className = 'status status-error';
    status.textContent = 'Choose a decision first: f false positive, t true match, e escalate.';
    return;
  }
  const body = { decision: st.decision, comment: $('#decision-comment').value.trim() };
  const u = $('#decision-user');
  if (u && u.value.trim()) {
    body.user = u.value.trim();
    localStorage.setItem(USER_STORE, body.user);
  }
  status.className = 'status status-busy';
  status.textContent = 'Deciding…';
  try {
    const a = await api(`/alerts/${encodeURIComponent(st.id)}/decision`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    toast(`Alert ${st.id}: ${STATE_TEXT[a.state] || a.state}`);
    renderAlert(st.id, a, st.params, `Decided: ${STATE_TEXT[a.state] || a.state}. j: next alert.`);
  } catch (e) {
    status.className = 'status status-error';
    status.textContent = e.message || String(e);
  }
}

function queuePosition(id) {
  const i = queueCache.ids.indexOf(Number(id));
  return i < 0 ? null : { i, n: queueCache.ids.length };
}

function moveInQueue(step) {
  if (!alertState) return;
  const pos = queuePosition(alertState.id);
  if (!pos) return;
  const next = queueCache.ids[pos.i + step];
  if (next === undefined) {
    toast(step > 0 ? 'The last alert of the queue' : 'The first alert of the queue');
    return;
  }
  const q = filtersQuery(queueFilters(alertState.params));
  location.hash = `#/alerts/${next}${q ? '?' + q : ''}`;
}

async function showAlert(id, params) {
  const view = views.alert;
  const seq = ++alertsSeq;
  lastAlertId = id;
  view.setAttribute('aria-busy', 'true');
  if (!view.firstChild || view.dataset.id !== id) view.replaceChildren(h('p', { class: 'status status-busy', text: 'Loading…' }));
  view.dataset.id = id;
  const f = queueFilters(params);
  const queue = queueCache.key === filtersQuery(f) ? null : alertsApi(f).then((b) => (queueCache = { key: filtersQuery(f), ids: asArray(b.alerts).map((a) => a.id) })).catch(() => null);
  let a;
  try {
    a = await api('/alerts/' + encodeURIComponent(id));
  } catch (e) {
    if (seq !== alertsSeq) return;
    view.removeAttribute('aria-busy');
    if (e.status === 401) return keyForm(view, e.message, () => showAlert(id, params));
    view.replaceChildren(h('a', { class: 'back', href: '#/alerts' }, '← Alerts'), h('h1', { tabindex: '-1', text: e.status === 404 ? 'No such alert' : 'Could not load the alert' }), h('p', { class: 'status status-error', text: e.message || String(e) }));
    $('h1', view).focus();
    return;
  }
  await queue;
  if (seq !== alertsSeq) return;
  renderAlert(id, a, params, '');
}

function renderAlert(id, a, params, message) {
  const view = views.alert;
  view.removeAttribute('aria-busy');
  alertState = { id, alert: a, params, decision: null };
  const q = filtersQuery(queueFilters(params));
  const pos = queuePosition(id);
  document.title = `Alert ${a.id}: ${a.caption} · embargo`;
  const changes = a.changes || a.changed || null;
  const parts = [
    h(
      'nav',
      { class: 'alert-nav', 'aria-label': 'Queue' },
      h('a', { class: 'back', href: '#/alerts' + (q ? '?' + q : '') }, '← Alerts'),
      pos ? h('span', { class: 'muted', text: `${pos.i + 1} of ${pos.n} in the queue` }) : null,
      h('button', { type: 'button', class: 'nav-btn', disabled: !pos || pos.i === 0, onclick: () => moveInQueue(-1) }, h('kbd', { text: 'k' }), ' Previous'),
      h('button', { type: 'button', class: 'nav-btn', disabled: !pos || pos.i >= pos.n - 1, onclick: () => moveInQueue(1) }, h('kbd', { text: 'j' }), ' Next'),
    ),
    h(
      'header',
      { class: 'entity-head alert-head' },
      h('h1', { class: 'entity-title', tabindex: '-1' }, `Alert ${a.id}: `, scriptSpan(recordName(a)), h('span', { class: 'muted', text: ' ↔ ' }), scriptSpan(a.caption || a.entity_id)),
      h(
        'p',
        { class: 'entity-sub' },
        h('span', { id: 'alert-state' }, stateBadge(a.state)),
        h('span', { class: 'muted', text: ` register ${a.register} · record ${a.record_id} · opened ${fmtDateTime(a.opened_at)}${a.assignee ? ' · assigned to ' + a.assignee : ''}` }),
      ),
      scoreBar(a.score, DEFAULT_THRESHOLD, true),
      a.state === 'pending'
        ? h('p', { class: 'pending-note', role: 'note' }, h('strong', { text: 'Four eyes: ' }), `proposed as a true match by ${a.proposed_by || 'an analyst'}; another analyst must confirm it (t) or clear it (f).`)
        : null,
      a.suppression ? h('p', { class: 'muted', text: `Suppressed by the good-guy list (suppression ${a.suppression}) until the record or the listed entity changes materially.` }) : null,
      changes ? h('p', { class: 'changes', text: 'Changed: ' + (typeof changes === 'string' ? changes : JSON.stringify(changes)) }) : null,
    ),
    message ? h('p', { class: 'status status-info', role: 'status', text: message }) : null,
    h(
      'div',
      { class: 'sides' },
      h('div', { class: 'side side-record' }, recordCard(a.record || { id: a.record_id, ...(a.record_facts || {}) })),
      h(
        'div',
        { class: 'side side-why' },
        section(
          'Why it alerted',
          a.matched_name ? h('p', { class: 'matched' }, h('span', { class: 'label', text: 'Matched name ' }), scriptSpan(a.matched_name)) : null,
          a.explanation ? renderExplanation(a.explanation) : h('p', { class: 'muted', text: 'No explanation stored.' }),
          a.context?.programs ? h('p', { class: 'programs' }, h('span', { class: 'label', text: 'Programs ' }), String(a.context.programs).split(/\s*;\s*/).map((p) => badge(p, 'badge-program'))) : null,
        ),
      ),
      h('div', { class: 'side side-entity' }, entityCard(a)),
    ),
    decisionForm(a),
    historyList(a.history),
  ];
  view.replaceChildren(...parts.filter(Boolean));
  $('h1', view).focus({ preventScroll: true });
}

// the queue's and the alert's keys (never while typing, but Enter / Escape in the comment box)
document.addEventListener('keydown', (ev) => {
  if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (!views.alert.hidden && alertState) {
    if (ev.target.id === 'decision-comment') {
      if (ev.key === 'Enter' && !ev.shiftKey) {
        ev.preventDefault();
        submitDecision();
      } else if (ev.key === 'Escape') {
        ev.preventDefault();
        ev.target.blur();
        $('h1', views.alert)?.focus();
      }
      return;
    }
    if (isTyping(ev.target)) return;
    const k = ev.key.toLowerCase();
    if (DECISIONS[k] && !ev.shiftKey) {
      ev.preventDefault();
      pickDecision(DECISIONS[k][0]);
    } else if (k === 'c') {
      ev.preventDefault();
      $('#decision-comment')?.focus();
    } else if (k === 'j' || k === 'k') {
      ev.preventDefault();
      moveInQueue(k === 'j' ? 1 : -1);
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      $('a.back', views.alert)?.click();
    }
    return;
  }
  if (!views.alerts.hidden && !isTyping(ev.target) && (ev.key === 'j' || ev.key === 'k' || ev.key === 'ArrowDown' || ev.key === 'ArrowUp')) {
    const links = [...views.alerts.querySelectorAll('a.alert-link')];
    if (!links.length) return;
    const i = links.indexOf(document.activeElement);
    const down = ev.key === 'j' || ev.key === 'ArrowDown';
    const next = i < 0 ? links[0] : links[Math.max(0, Math.min(links.length - 1, i + (down ? 1 : -1)))];
    ev.preventDefault();
    next.focus();
    next.closest('tr')?.scrollIntoView({ block: 'nearest' });
  }
});

/* ---- keyboard ------------------------------------------------------------------------------- */

function isTyping(el) {
  return el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

document.addEventListener('keydown', (ev) => {
  if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (ev.key === '/' && !isTyping(ev.target)) {
    ev.preventDefault();
    if (views.search.hidden) {
      focusNameOnce = true; // showSearch focuses the name box, not the last opened result
      location.hash = lastSearchKey || '#/';
    }
    fq.focus();
    fq.select();
    return;
  }
  if (views.search.hidden) return;
  const links = [...resultsEl.querySelectorAll('a.result-link')];
  if (!links.length) return;
  const i = links.indexOf(document.activeElement);
  let next = null;
  if (ev.key === 'ArrowDown') {
    if (document.activeElement === fq) next = links[0];
    else if (i >= 0) next = links[Math.min(i + 1, links.length - 1)];
  } else if (ev.key === 'ArrowUp' && i >= 0) {
    next = i === 0 ? fq : links[i - 1];
  } else if (ev.key === 'Home' && i >= 0) next = links[0];
  else if (ev.key === 'End' && i >= 0) next = links[links.length - 1];
  if (next) {
    ev.preventDefault();
    next.focus();
    if (next !== fq) next.closest('li')?.scrollIntoView({ block: 'nearest' });
  }
});

// The skip link moves focus without touching the hash router.
document.querySelector('[data-skip]').addEventListener('click', (ev) => {
  ev.preventDefault();
  const visible = Object.values(views).find((v) => !v.hidden);
  const target = visible === views.search ? fq : $('h1', visible);
  (target || $('#main')).focus();
});

// The stale-list banner: /readyz says "degraded" and names the lists older than their source
// is allowed (7 days for OFAC's, 30 for others; the server decides), on every page.
async function listBanner() {
  let body = null;
  try {
    const r = await fetch('/readyz', { headers: { Accept: 'application/json' } });
    body = await r.json();
  } catch (e) {
    return;
  }
  const stale = Array.isArray(body?.lists) ? body.lists.filter((l) => l.stale) : [];
  $('#stale-banner')?.remove();
  if (!stale.length) return;
  const parts = stale.map((l) => `${l.source} (published ${fmtDay(l.published)}, ${fmtInt(l.age_days)} days old; allowed ${fmtInt(l.max_age_days)})`);
  const banner = h('div', { id: 'stale-banner', class: 'stale-banner', role: 'alert' },
    h('strong', { text: 'Stale lists: ' }), parts.join('; ') + '. Screening uses them all the same: run `embargo update`.');
  document.querySelector('header.top').after(banner);
}

/* ---- payments: a message with its hit fields highlighted ------------------------------------ */

const PAYMENT_EXAMPLE =
  '{1:F01BANKDEFFAXXX0000000000}{2:I103RZBAATWWXXXXN}{4:\n:20:REF20260103C\n:23B:CRED\n' +
  ':32A:260119EUR9800,50\n:50K:/DE89370400440532013000\nMUELLER MASCHINENBAU GMBH\nHAUPTSTRASSE 12\n' +
  '80331 MUENCHEN\n:52A:BANKDEFFXXX\n:56A:RZBAATWWXXX\n:57A:BKBPIRTH123\n:59F:/AE070331234567890123456\n' +
  '1/ISMAIL KHATEEB\n2/AL WASL ROAD 22\n3/AE/DUBAI\n:70:FREIGHT M/V ARTAVIL IMO 9187629\n:71A:SHA\n-}';

const ACTION_RANK = { pass: 0, review: 1, block: 2 };

// Where a hit is in the message text: MT field blocks by tag, then the matched text itself.
function hitRanges(text, hit) {
  const ranges = [];
  const lower = text.toLowerCase();
  const find = (needle) => {
    if (!needle || needle.length < 3) return;
    const n = needle.toLowerCase();
    for (let i = lower.indexOf(n); i >= 0; i = lower.indexOf(n, i + n.length)) ranges.push([i, i + n.length]);
  };
  // an MT field: from ":57A:" to the next field; a B/ field (MT202COV sequence B) is the last one
  const tag = /^(B\/)?(\d\d[A-Z]?)$/.exec(hit.field || '');
  if (tag) {
    const re = new RegExp('(^|\\n):' + tag[2] + ':', 'g');
    let m;
    let last = null;
    while ((m = re.exec(text))) {
      last = m.index + m[1].length;
      if (!tag[1]) break;
    }
    if (last !== null) {
      const next = text.slice(last + 1).search(/\n(:\d\d[A-Z]?:|-\})/);
      ranges.push([last, next < 0 ? text.length : last + 1 + next]);
      return ranges;
    }
  }
  if (hit.kind === 'jurisdiction') {
    const m = /(?:BIC|IBAN) ([A-Z0-9]+)/.exec(hit.explanation || '');
    find(m ? m[1] : hit.text);
  } else if (hit.kind === 'imo') {
    find((hit.text || '').replace(/^IMO/, ''));
  } else {
    // the matched words, whatever separates them in the message
    const words = (hit.text || '').split(/\s+/).filter(Boolean).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    if (words.length) {
      const re = new RegExp(words.join("[^A-Za-z0-9]+"), 'gi');
      let m;
      while ((m = re.exec(text))) ranges.push([m.index, m.index + m[0].length]);
    }
  }
  return ranges;
}

function highlighted(text, hits) {
  // the strongest action covering each character
  const level = new Int8Array(text.length).fill(-1);
  const owner = new Int32Array(text.length).fill(-1);
  hits.forEach((hit, i) => {
    const rank = ACTION_RANK[hit.action] ?? 0;
    for (const [a, b] of hitRanges(text, hit))
      for (let k = a; k < b; k++)
        if (rank > level[k]) {
          level[k] = rank;
          owner[k] = i;
        }
  });
  const out = [];
  let k = 0;
  while (k < text.length) {
    let j = k;
    while (j < text.length && owner[j] === owner[k]) j++;
    const seg = text.slice(k, j);
    if (owner[k] < 0) out.push(seg);
    else {
      const hit = hits[owner[k]];
      out.push(h('mark', { class: 'pay-mark pay-' + hit.action, title: hit.explanation, dataset: { hit: String(owner[k]) } }, seg));
    }
    k = j;
  }
  return out;
}

async function screenPayment(text) {
  const headers = { Accept: 'application/json', 'Content-Type': 'text/plain' };
  if (apiKey()) headers.Authorization = 'Bearer ' + apiKey();
  let res;
  try {
    res = await fetch('/payments/screen', { method: 'POST', headers, body: text });
  } catch (e) {
    throw new ApiError(0, 'The embargo server cannot be reached. Is `embargo serve` running?');
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  if (res.status === 422 && body && Array.isArray(body.results)) return body; // every message invalid
  if (!res.ok || !body) throw new ApiError(res.status, errorText(body) || res.statusText || 'request failed');
  return body;
}

function paymentResult(text, body) {
  const items = [];
  for (const r of body.results || []) {
    const hits = r.hits || [];
    const head = h(
      'header',
      { class: 'pay-head' },
      h('h2', { text: `Message ${r.message}${r.id ? ' · ' + r.id : ''}` }),
      h('span', { class: 'pay-format muted', text: r.format || '' }),
      h('span', { class: 'pay-verdict pay-verdict-' + r.verdict, text: String(r.verdict).toUpperCase() }),
    );
    const list = hits.length
      ? h(
          'ol',
          { class: 'pay-hits' },
          hits.map((hit, i) =>
            h(
              'li',
              { class: 'pay-hit pay-' + hit.action, dataset: { hit: String(i) } },
              h('span', { class: 'pay-hit-field mono', text: hit.field }),
              ' ',
              h('span', { class: 'pay-hit-kind', text: `${hit.kind} · ${hit.action}` }),
              ' ',
              hit.entity ? h('a', { href: '#/entity/' + encodeURIComponent(hit.entity.id), text: `${hit.entity.caption} (${hit.entity.id})` }) : h('span', { text: hit.jurisdiction || '' }),
              ' ',
              h('span', { class: 'pay-hit-score mono', text: fmtScore(hit.score) }),
              hit.transaction ? h('div', { class: 'muted', text: 'transaction ' + hit.transaction }) : null,
              h('div', { class: 'pay-hit-why', text: hit.explanation }),
            ),
          ),
        )
      : h('p', { class: 'muted', text: r.error ? '' : 'No hit: every party, agent, country and free-text field passed.' });
    items.push(h('article', { class: 'card pay-card' }, head, r.error ? h('p', { class: 'status status-error', text: r.error }) : null, list));
    // the message text with the hit fields marked (a body of one message; several: the first)
    if (items.length === 1) items.push(h('pre', { class: 'pay-text', 'aria-label': 'The message with its hits marked' }, highlighted(text, hits)));
  }
  return items;
}

function showPayments(params) {
  const view = views.payments;
  document.title = 'Payments · embargo';
  if (view.firstChild) return;
  const example = params && params.get('example') === '1'; // #/payments?example=1 screens the example
  const ta = h('textarea', { id: 'pay-input', class: 'pay-input', rows: '14', spellcheck: 'false', 'aria-label': 'Payment message (SWIFT MT or ISO 20022 XML)' });
  const out = h('div', { id: 'pay-result', class: 'pay-result', 'aria-live': 'polite' });
  const status = h('p', { class: 'status', role: 'status' });
  const run = async () => {
    const text = ta.value;
    if (!text.trim()) return;
    status.className = 'status status-busy';
    status.textContent = 'Screening…';
    out.replaceChildren();
    try {
      const body = await screenPayment(text);
      status.className = 'status';
      status.textContent = `${body.messages} message${body.messages === 1 ? '' : 's'}: ${String(body.verdict).toUpperCase()}`;
      out.replaceChildren(...paymentResult(text, body));
    } catch (e) {
      status.className = 'status status-error';
      status.textContent = 'Screening failed. ' + (e.message || String(e));
    }
  };
  view.replaceChildren(
    h('h1', { id: 'payments-title', tabindex: '-1', text: 'Screen a payment' }),
    h('p', { class: 'muted', text: 'Paste a SWIFT MT103 / MT202COV or an ISO 20022 pacs.008, pacs.009 or pain.001 message. Every party, agent, country and free-text field is screened; the fields that hit are marked.' }),
    ta,
    h(
      'div',
      { class: 'pay-actions' },
      h('button', { type: 'button', id: 'pay-run', onclick: run, text: 'Screen' }),
      h('button', { type: 'button', class: 'secondary', onclick: () => { ta.value = PAYMENT_EXAMPLE; run(); }, text: 'Load the example' }),
    ),
    status,
    out,
  );
  if (example) {
    ta.value = PAYMENT_EXAMPLE;
    run();
  }
}

window.addEventListener('hashchange', route);
route();
listBanner();
