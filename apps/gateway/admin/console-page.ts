/**
 * The admin console: one document (no framework, nothing fetched from elsewhere) that works only
 * through the admin API, signed in with an admin session (an HttpOnly cookie, and the CSRF token
 * every change carries). It renders everything with DOM nodes and `textContent`, never HTML built
 * from data, and is kept live by the event stream (`/_miroir/events`).
 */
export function consolePage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Miroir admin</title>
<style>
  :root { --fg: #1a1a1a; --muted: #4a4a4a; --line: #c8c8c8; --accent: #1a5fb4; --bg2: #f4f5f7; }
  * { box-sizing: border-box; }
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: var(--fg); background: #fff; }
  header { display: flex; align-items: center; gap: 1rem; padding: .6rem 1.25rem; border-bottom: 1px solid var(--line); }
  header h1 { font-size: 1.1rem; margin: 0; }
  nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem; margin: 0; padding: .4rem 1.25rem; border-bottom: 1px solid var(--line); background: var(--bg2); }
  nav a { display: inline-block; padding: .3rem .7rem; color: var(--fg); text-decoration: none; border-radius: 4px; }
  nav a[aria-current=page] { background: var(--accent); color: #fff; }
  main { padding: 1rem 1.25rem 3rem; max-width: 90rem; }
  h2 { font-size: 1.2rem; margin: .5rem 0 1rem; }
  h3 { font-size: 1rem; margin: 1.25rem 0 .5rem; }
  table { border-collapse: collapse; margin: .25rem 0 1rem; }
  th, td { border: 1px solid var(--line); padding: .25rem .55rem; text-align: left; vertical-align: top; }
  th { background: var(--bg2); }
  button, input, select { font: inherit; }
  button { padding: .3rem .8rem; border: 1px solid #555; border-radius: 4px; background: #fff; cursor: pointer; }
  button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
  button.danger { border-color: #a51d2d; color: #a51d2d; }
  input, select { padding: .3rem .45rem; border: 1px solid #555; border-radius: 4px; }
  a:focus, button:focus, input:focus, select:focus { outline: 3px solid var(--accent); outline-offset: 2px; }
  label { font-weight: 600; margin-right: .35rem; }
  .health { display: inline-block; padding: .15rem .7rem; border-radius: 999px; font-weight: 700; border: 2px solid; }
  .health.green { color: #0b5d1e; border-color: #0b5d1e; background: #e6f4ea; }
  .health.yellow { color: #6b4d00; border-color: #8a6500; background: #fff4cc; }
  .health.red { color: #8b0000; border-color: #8b0000; background: #fde7e9; }
  .cards { display: flex; flex-wrap: wrap; gap: .75rem; }
  .card { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .9rem; min-width: 9rem; }
  .card .n { font-size: 1.4rem; font-weight: 700; }
  .muted { color: var(--muted); }
  .error { color: #a51d2d; font-weight: 600; }
  .row { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .5rem 0; }
  pre { background: var(--bg2); padding: .6rem; overflow: auto; max-height: 24rem; }
  progress { width: 10rem; }
  .owner { font-weight: 700; } .incoming { color: #1a5fb4; } .outgoing { color: #8a6500; }
  #login { max-width: 26rem; margin: 4rem auto; border: 1px solid var(--line); border-radius: 8px; padding: 1.5rem; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<section id="login" hidden aria-labelledby="login-title">
  <h1 id="login-title">Miroir admin</h1>
  <form id="login-form">
    <p><label for="admin-key">Admin key</label><br><input id="admin-key" type="password" autocomplete="current-password" required style="width:100%"></p>
    <p><button class="primary" type="submit">Sign in</button></p>
    <p id="login-error" class="error" role="alert"></p>
  </form>
</section>
<div id="app" hidden>
  <header>
    <h1>Miroir admin</h1>
    <span id="health" class="health" role="status" aria-live="polite">…</span>
    <span id="live" class="muted"></span>
    <span style="flex:1"></span>
    <button id="logout" type="button">Sign out</button>
  </header>
  <nav aria-label="Sections"><ul id="nav"></ul></nav>
  <main id="main" tabindex="-1"></main>
  <p id="notice" class="muted" role="status" aria-live="polite" style="padding:0 1.25rem"></p>
</div>
<script>
(() => {
  const PAGES = [
    ['overview', 'Overview'], ['topology', 'Topology'], ['rebalance', 'Rebalance'],
    ['indexes', 'Indexes'], ['tasks', 'Tasks'], ['aliases', 'Aliases'], ['keys', 'Search keys'],
    ['activity', 'Activity'],
  ];
  const $ = (id) => document.getElementById(id);
  let csrf = sessionStorage.getItem('miroir.csrf');
  const recent = [];
  let events = null;
  let refreshTimer = null;
  let pageState = {};

  /** An element with attributes and children (strings become text, never HTML). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'className') el.className = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
    return el;
  }
  const table = (heads, rows, caption) => h('table', {}, caption ? h('caption', { className: 'muted' }, caption) : null,
    h('thead', {}, h('tr', {}, heads.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))));
  const fmt = (n) => (typeof n === 'number' ? n.toLocaleString('en') : n ?? '—');
  const when = (iso) => (iso ? new Date(iso).toLocaleString('en') : '—');
  const notice = (text) => { $('notice').textContent = text; };

  class ApiError extends Error {
    constructor(status, body) { super((body && body.message) || 'HTTP ' + status); this.status = status; this.code = body && body.code; }
  }
  async function api(method, path, body) {
    const headers = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET') headers['x-csrf-token'] = csrf || '';
    const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const data = text && (res.headers.get('content-type') || '').includes('json') ? JSON.parse(text) : text;
    if (res.status === 401 || (res.status === 403 && data && data.code === 'invalid_api_key')) { showLogin(); throw new ApiError(res.status, data); }
    if (!res.ok) throw new ApiError(res.status, data);
    return data;
  }

  /** Destructive actions: the operator types the name again. */
  function confirmName(what, name) {
    const typed = prompt(what + '\\nType "' + name + '" to confirm.');
    return typed === name;
  }
  async function act(label, fn) {
    try { notice(label + '…'); const r = await fn(); notice(label + ': done.'); await render(); return r; }
    catch (e) { notice(label + ' failed: ' + e.message); }
  }

  // ---- session ----
  function showLogin() {
    if (events) { events.close(); events = null; }
    csrf = null; sessionStorage.removeItem('miroir.csrf');
    $('app').hidden = true; $('login').hidden = false; $('admin-key').focus();
  }
  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('login-error').textContent = '';
    try {
      const res = await fetch('/_miroir/admin/login', { method: 'POST', headers: { 'content-type': 'application/json' }, credentials: 'same-origin', body: JSON.stringify({ admin_key: $('admin-key').value }) });
      const data = await res.json();
      if (!res.ok) { $('login-error').textContent = data.message || 'Sign-in failed.'; return; }
      csrf = data.csrfToken; sessionStorage.setItem('miroir.csrf', csrf);
      $('admin-key').value = '';
      start();
    } catch (err) { $('login-error').textContent = String(err); }
  });
  $('logout').addEventListener('click', async () => {
    await fetch('/_miroir/admin/logout', { method: 'POST', credentials: 'same-origin', headers: { 'x-csrf-token': csrf || '' } }).catch(() => {});
    showLogin();
  });

  // ---- live ----
  function listen() {
    if (events) events.close();
    events = new EventSource('/_miroir/events');
    events.onopen = () => { $('live').textContent = 'live'; };
    events.onerror = () => { $('live').textContent = 'reconnecting…'; };
    events.onmessage = (m) => {
      let e; try { e = JSON.parse(m.data); } catch { return; }
      recent.unshift(e); recent.length = Math.min(recent.length, 50);
      // Pages with something being typed or picked stay as they are until the operator acts.
      if (refreshTimer || ['tasks', 'aliases'].includes(location.hash.slice(1))) return;
      refreshTimer = setTimeout(() => {
        refreshTimer = null;
        const busy = document.activeElement && document.activeElement.closest('main') && /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName);
        if (!busy) void render();
      }, 1500);
    };
  }
  async function health() {
    try {
      const hl = await api('GET', '/_miroir/health');
      const el = $('health');
      el.className = 'health ' + hl.status;
      el.textContent = 'Cluster ' + hl.status;
      el.title = hl.reasons.join('; ');
      return hl;
    } catch { return null; }
  }

  // ---- pages ----
  const pages = {
    async overview(main) {
      const hl = await health();
      const rates = await requestRates();
      const topo = await api('GET', '/_miroir/topology');
      const indexes = await api('GET', '/indexes?limit=1000');
      const stats = await api('GET', '/stats').catch(() => null);
      const statuses = ['enqueued', 'processing', 'succeeded', 'failed', 'canceled'];
      const tasks = await Promise.all(statuses.map((s) => api('GET', '/tasks?limit=0&statuses=' + s).then((r) => r.total).catch(() => null)));
      const docs = stats ? Object.values(stats.indexes || {}).reduce((a, i) => a + (i.numberOfDocuments || 0), 0) : null;
      const byState = {};
      for (const n of topo.nodes) byState[n.state] = (byState[n.state] || 0) + 1;
      const card = (label, n) => h('div', { className: 'card' }, h('div', { className: 'muted' }, label), h('div', { className: 'n' }, fmt(n)));
      const minute = Date.now() - 60000;
      const perMinute = (pred) => recent.filter((e) => Date.parse(e.time) > minute && pred(e)).length;
      main.append(
        h('h2', {}, 'Overview'),
        h('p', {}, h('span', { id: 'overview-health', className: 'health ' + (hl ? hl.status : '') }, hl ? 'Cluster ' + hl.status : 'unknown')),
        hl && hl.reasons.length ? h('ul', { id: 'health-reasons' }, hl.reasons.map((r) => h('li', {}, r))) : h('p', { className: 'muted' }, 'Every copy serves and is caught up.'),
        h('div', { className: 'cards' },
          card('Nodes', topo.nodes.filter((n) => n.state !== 'removed').length),
          ...Object.entries(byState).map(([s, n]) => card('Nodes ' + s, n)),
          card('Indexes', indexes.total), card('Documents', docs),
          ...statuses.map((s, i) => card('Tasks ' + s, tasks[i])),
          card('Searches / min (this gateway)', rates.searches),
          card('Document writes / min (this gateway)', rates.writes),
          card('Tasks settled / min (events)', perMinute((e) => e.type === 'tasks.status' && ['succeeded', 'failed'].includes(e.data.status))),
          card('Log position', topo.log.lastSeq)),
        h('h3', {}, 'Recent events'),
        recent.length ? table(['Time', 'Event', 'Data'], recent.slice(0, 15).map((e) => [when(e.time), e.type, JSON.stringify(e.data).slice(0, 160)])) : h('p', { className: 'muted' }, 'No event since this page opened.'));
    },

    async topology(main) {
      const topo = await api('GET', '/_miroir/topology');
      const indexes = (await api('GET', '/indexes?limit=1000')).results;
      main.append(h('h2', {}, 'Topology'), h('p', { className: 'muted' }, 'Epoch ' + topo.epoch + ' · RF ' + topo.replicationFactor + ' · log ' + fmt(topo.log.firstSeq) + '…' + fmt(topo.log.lastSeq)));
      const groups = [...new Set(topo.nodes.map((n) => n.group))].sort();
      for (const g of groups) {
        main.append(h('h3', {}, 'Group ' + g), table(['Node', 'URL', 'State', 'Copy', 'Lag (messages)', 'Shard copies', 'Actions'],
          topo.nodes.filter((n) => n.group === g).map((n) => [n.id, n.url, n.state, n.copy ? n.copy.state : '—', n.copy ? fmt(n.copy.lagMessages) : '—', fmt(n.shardCopies),
            n.state === 'removed' ? '' : h('span', {},
              h('button', { type: 'button', className: 'danger', 'aria-label': 'Drain ' + n.id, onclick: () => confirmName('Drain node ' + n.id + ': every copy moves off it, then it is removed.', n.id) && act('Drain ' + n.id, () => api('POST', '/_miroir/nodes/' + encodeURIComponent(n.id) + '/drain')) }, 'Drain'), ' ',
              h('button', { type: 'button', className: 'danger', 'aria-label': 'Remove ' + n.id, onclick: () => confirmName('Remove node ' + n.id + ' now.', n.id) && act('Remove ' + n.id, () => api('DELETE', '/_miroir/nodes/' + encodeURIComponent(n.id))) }, 'Remove'))])));
      }
      const pick = h('select', { id: 'shard-index', onchange: (e) => { pageState.shardIndex = e.target.value; void render(); } },
        h('option', { value: '' }, '— choose —'), indexes.map((i) => h('option', { value: i.uid, selected: pageState.shardIndex === i.uid }, i.uid)));
      main.append(h('h3', {}, 'Shard map'), h('div', { className: 'row' }, h('label', { for: 'shard-index' }, 'Index'), pick));
      if (pageState.shardIndex) {
        const s = await api('GET', '/_miroir/shards?index=' + encodeURIComponent(pageState.shardIndex));
        const byShard = new Map();
        for (const c of s.copies) { if (!byShard.has(c.shard)) byShard.set(c.shard, []); byShard.get(c.shard).push(c); }
        main.append(table(['Shard', 'Copies (node · role · documents · state · lag)'], [...byShard.entries()].map(([shard, cs]) => [String(shard),
          h('span', {}, cs.map((c, i) => h('span', { className: c.role }, (i ? ' | ' : '') + c.node + ' · ' + c.role + ' · ' + fmt(c.documents) + ' · ' + (c.state || '—') + ' · ' + fmt(c.lagMessages))))]), 'Index ' + s.index + ' (node index ' + s.nodeIndex + ')'));
      }
    },

    async rebalance(main) {
      const r = await api('GET', '/_miroir/rebalance');
      const done = (r.moves || []).filter((m) => m.phase === 'done').length;
      main.append(h('h2', {}, 'Rebalance'),
        h('p', { id: 'rebalance-status' }, 'Status: ' + r.status + ' · moves done ' + done + '/' + (r.moves || []).length + ' · planned ' + fmt(r.planned) + ' · moved ' + fmt(r.moved) + ' · minimum ' + fmt(r.minimum) + (r.eta ? ' · ETA ' + when(r.eta) : '')),
        h('div', { className: 'row' },
          h('button', { type: 'button', onclick: () => act('Pause', () => api('POST', '/_miroir/rebalance/pause')) }, 'Pause'),
          h('button', { type: 'button', onclick: () => act('Resume', () => api('POST', '/_miroir/rebalance/resume')) }, 'Resume')),
        (r.moves || []).length ? table(['Index', 'Shard', 'From', 'To', 'Phase', 'Progress'], r.moves.map((m) => [m.index, String(m.shard), m.from || '—', m.to, m.phase,
          h('span', {}, h('progress', { max: Math.max(1, m.total), value: m.phase === 'done' ? Math.max(1, m.total) : m.copied, 'aria-label': 'Shard ' + m.shard + ' copied' }), ' ' + fmt(m.copied) + '/' + fmt(m.total))])) : h('p', { className: 'muted' }, 'No move in the current run.'));
    },

    async indexes(main) {
      const list = (await api('GET', '/indexes?limit=1000')).results;
      main.append(h('h2', {}, 'Indexes'), table(['Index', 'Primary key', 'Updated', ''], list.map((i) => [i.uid, i.primaryKey || '—', when(i.updatedAt),
        h('button', { type: 'button', onclick: () => { pageState.index = i.uid; pageState.check = null; void render(); } }, 'Open ' + i.uid)])));
      if (!pageState.index) return;
      const uid = pageState.index;
      const [stats, settings] = await Promise.all([api('GET', '/indexes/' + encodeURIComponent(uid) + '/stats'), api('GET', '/indexes/' + encodeURIComponent(uid) + '/settings')]);
      const check = pageState.check;
      main.append(h('h3', {}, 'Index ' + uid),
        h('p', {}, 'Documents: ' + fmt(stats.numberOfDocuments) + (stats.isIndexing ? ' · indexing' : '')),
        h('div', { className: 'row' },
          h('button', { type: 'button', className: 'primary', onclick: () => startCheck(uid, false) }, 'Verify copies'),
          h('button', { type: 'button', className: 'danger', onclick: () => confirmName('Repair every disagreeing copy of ' + uid + '.', uid) && startCheck(uid, true) }, 'Repair')),
        check ? h('p', { id: 'check-result', role: 'status' }, (check.repair ? 'Repair ' : 'Verify ') + check.status + ' · shards ' + check.progress.shardsDone + '/' + check.progress.shards + ' · disagreements ' + check.disagreements + (check.repaired ? ' · repaired ' + check.repaired.put + ' put, ' + check.repaired.removed + ' removed' : '') + (check.error ? ' · ' + check.error : ''),
          ' ', h('progress', { max: Math.max(1, check.progress.shards), value: check.progress.shardsDone, 'aria-label': 'Shards checked' })) : null,
        h('h3', {}, 'Settings'), h('pre', {}, JSON.stringify(settings, null, 2)));
    },

    async tasks(main) {
      const f = pageState.taskFilter || { status: '', index: '' };
      const q = new URLSearchParams({ limit: '50' });
      if (f.status) q.set('statuses', f.status);
      if (f.index) q.set('indexUids', f.index);
      const page = await api('GET', '/tasks?' + q);
      const status = h('select', { id: 'task-status' }, ['', 'enqueued', 'processing', 'succeeded', 'failed', 'canceled'].map((s) => h('option', { value: s, selected: f.status === s }, s || 'any')));
      const index = h('input', { id: 'task-index', value: f.index, placeholder: 'any' });
      main.append(h('h2', {}, 'Tasks'),
        h('form', { className: 'row', onsubmit: (e) => { e.preventDefault(); pageState.taskFilter = { status: status.value, index: index.value.trim() }; void render(); } },
          h('label', { for: 'task-status' }, 'Status'), status, h('label', { for: 'task-index' }, 'Index'), index, h('button', { type: 'submit' }, 'Filter')),
        table(['Uid', 'Index', 'Type', 'Status', 'Enqueued', 'Error', ''], page.results.map((t) => [String(t.uid), t.indexUid || '—', t.type, t.status, when(t.enqueuedAt), t.error ? t.error.code : '',
          h('button', { type: 'button', onclick: () => { pageState.task = t.uid; void render(); } }, 'Details of ' + t.uid)]), fmt(page.total) + ' tasks'));
      if (pageState.task !== undefined) {
        const d = await api('GET', '/_miroir/tasks/' + pageState.task);
        main.append(h('h3', {}, 'Task ' + d.task.uid),
          d.task.error ? h('p', { className: 'error' }, d.task.error.code + ': ' + d.task.error.message) : null,
          table(['Node', 'Node task', 'Status', 'Error'], Object.entries(d.nodeTasks).map(([node, t]) => [node, t.taskUid === null ? '—' : String(t.taskUid), t.status, t.error ? t.error.code + ': ' + t.error.message : '']), 'What each node did'),
          h('pre', {}, JSON.stringify(d.task, null, 2)));
      }
    },

    async aliases(main) {
      const list = (await api('GET', '/_miroir/aliases')).results;
      const name = h('input', { id: 'alias-name', required: true });
      const target = h('input', { id: 'alias-target', required: true });
      main.append(h('h2', {}, 'Aliases'),
        table(['Alias', 'Targets', 'Version', 'Flipped', ''], list.map((a) => [a.name, a.targets.join(', '), String(a.version), when(a.updatedAt),
          h('span', {},
            h('button', { type: 'button', onclick: () => { pageState.alias = a.name; void render(); } }, 'History of ' + a.name), ' ',
            h('button', { type: 'button', className: 'danger', onclick: () => confirmName('Delete alias ' + a.name + '.', a.name) && act('Delete ' + a.name, () => api('DELETE', '/_miroir/aliases/' + encodeURIComponent(a.name))) }, 'Delete ' + a.name))])),
        h('h3', {}, 'Create or flip'),
        h('form', { className: 'row', onsubmit: (e) => { e.preventDefault();
            const exists = list.some((a) => a.name === name.value);
            void act((exists ? 'Flip ' : 'Create ') + name.value, () => exists
              ? api('PUT', '/_miroir/aliases/' + encodeURIComponent(name.value), { target: target.value })
              : api('POST', '/_miroir/aliases', { name: name.value, target: target.value })); } },
          h('label', { for: 'alias-name' }, 'Alias'), name, h('label', { for: 'alias-target' }, 'Target index'), target, h('button', { type: 'submit', className: 'primary' }, 'Create or flip')));
      if (pageState.alias) {
        const a = await api('GET', '/_miroir/aliases/' + encodeURIComponent(pageState.alias)).catch(() => null);
        if (a) main.append(h('h3', {}, 'History of ' + a.name), table(['Version', 'Targets', 'Flipped', 'By'], a.history.map((e) => [String(e.version), e.targets.join(', '), when(e.flippedAt), e.actor || '—'])));
      }
    },

    async keys(main) {
      const list = (await api('GET', '/_miroir/keys/scoped')).results;
      main.append(h('h2', {}, 'Scoped search keys'), h('p', { className: 'muted' }, 'Search-only node keys per index, rotated before they expire. Key values never leave the gateway.'),
        list.length ? table(['Index', 'Generation', 'State', 'Age', ''], list.map((k) => [k.index || k.nodeIndex, String(k.generation), k.state, k.ageSeconds === null ? '—' : (k.ageSeconds / 86400).toFixed(1) + ' days',
          k.index ? h('button', { type: 'button', onclick: () => act('Rotate the key of ' + k.index, () => api('POST', '/_miroir/ui/search/' + encodeURIComponent(k.index) + '/rotate-scoped-key', { force: true })) }, 'Rotate ' + k.index) : ''])) : h('p', { className: 'muted' }, 'No scoped key yet.'));
    },

    async activity(main) {
      const list = (await api('GET', '/_miroir/activity?limit=200')).results;
      main.append(h('h2', {}, 'Activity'), table(['When', 'Who', 'From', 'What', 'Status'], list.map((a) => [when(a.at), a.actor, a.ip || '—', a.method + ' ' + a.path, String(a.status)])));
    },
  };

  /** Requests per minute over the last minute's looks, from this gateway's request counters (/metrics). */
  const samples = [];
  async function requestRates() {
    const text = await api('GET', '/metrics').catch(() => '');
    let searches = 0, writes = 0;
    for (const line of String(text).split('\\n')) {
      if (!line.startsWith('miroir_http_request_duration_seconds_count{')) continue;
      const route = /route="([^"]*)"/.exec(line)?.[1] || '';
      const method = /method="([^"]*)"/.exec(line)?.[1] || '';
      const n = Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
      if (/search$/.test(route)) searches += n;
      else if (/documents/.test(route) && method !== 'GET') writes += n;
    }
    const now = { t: Date.now(), searches, writes };
    samples.push(now);
    while (samples.length > 2 && now.t - samples[1].t >= 60000) samples.shift();
    const first = samples[0];
    if (now.t - first.t < 1000) return { searches: null, writes: null };
    const perMin = (a, b) => Math.max(0, Math.round(((a - b) * 60000) / (now.t - first.t)));
    return { searches: perMin(now.searches, first.searches), writes: perMin(now.writes, first.writes) };
  }

  async function startCheck(uid, repair) {
    const rec = await act(repair ? 'Repair ' + uid : 'Verify ' + uid, () => api('POST', repair ? '/_miroir/repair' : '/_miroir/verify', { index: uid }));
    if (!rec) return;
    pageState.check = rec;
    for (;;) {
      const c = await api('GET', '/_miroir/' + (repair ? 'repair/' : 'verify/') + rec.id);
      pageState.check = c;
      await render();
      if (c.status === 'succeeded' || c.status === 'failed') return;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  let rendering = Promise.resolve();
  function render() {
    rendering = rendering.then(async () => {
      const page = (location.hash.slice(1) || 'overview');
      const name = pages[page] ? page : 'overview';
      for (const a of $('nav').querySelectorAll('a')) a.setAttribute('aria-current', a.dataset.page === name ? 'page' : 'false');
      const main = h('div', {});
      try { await pages[name](main); }
      catch (e) { main.append(h('p', { className: 'error', role: 'alert' }, 'Could not load: ' + e.message)); }
      $('main').replaceChildren(main);
      void health();
    });
    return rendering;
  }

  function start() {
    $('login').hidden = true; $('app').hidden = false;
    $('nav').replaceChildren(...PAGES.map(([id, label]) => h('li', {}, h('a', { href: '#' + id, 'data-page': id }, label))));
    listen();
    void render();
  }
  window.addEventListener('hashchange', () => { pageState = {}; void render(); $('main').focus(); });
  setInterval(() => { if (!$('app').hidden) void health(); }, 5000);
  if (csrf) start(); else showLogin();
})();
</script>
</body>
</html>`;
}
