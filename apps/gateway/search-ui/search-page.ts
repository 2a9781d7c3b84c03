import type { PageConfig } from './search-ui.service.js';

/** JSON safe inside a `<script>` element. */
const inline = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The hosted search page of one index: a search box, hits with highlights, facets as filters and
 * pagination, in one small document (no framework, nothing fetched from elsewhere). It gets a
 * short-lived browser token from the gateway and renews it before it expires.
 */
export function searchPage(index: string, config: PageConfig): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(config.title)}</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #fff; }
  header { padding: 1rem 1.5rem; border-bottom: 1px solid #ddd; }
  h1 { font-size: 1.25rem; margin: 0 0 .5rem; }
  label.search { display: block; font-weight: 600; margin-bottom: .25rem; }
  input[type=search] { width: 100%; max-width: 40rem; font-size: 1rem; padding: .5rem; border: 2px solid #555; border-radius: 4px; }
  input[type=search]:focus, button:focus, input[type=checkbox]:focus { outline: 3px solid #1a5fb4; outline-offset: 2px; }
  main { display: flex; gap: 2rem; padding: 1rem 1.5rem; }
  aside { min-width: 12rem; }
  fieldset { border: 1px solid #ccc; border-radius: 4px; margin: 0 0 1rem; }
  legend { font-weight: 600; }
  ol { padding-left: 1.25rem; margin: 0; }
  li.hit { margin-bottom: 1rem; }
  .hit-title { font-weight: 600; }
  mark { background: #ffe066; color: inherit; }
  .meta { color: #444; }
  nav button { font-size: 1rem; padding: .35rem .9rem; margin-right: .5rem; }
  .error { color: #a51d2d; }
</style>
</head>
<body>
<header>
  <h1>${escape(config.title)}</h1>
  <label class="search" for="q">Search ${escape(config.title)}</label>
  <input id="q" type="search" autocomplete="off" placeholder="${escape(config.placeholder)}">
</header>
<main>
  <aside id="facets" aria-label="Filters"></aside>
  <section aria-label="Results">
    <p id="status" class="meta" aria-live="polite"></p>
    <ol id="hits"></ol>
    <nav aria-label="Pages">
      <button id="prev" type="button">Previous</button>
      <button id="next" type="button">Next</button>
    </nav>
  </section>
</main>
<script>
(() => {
  const INDEX = ${inline(index)};
  const CONFIG = ${inline(config)};
  const PRE = '\\u0001', POST = '\\u0002';
  const state = { q: '', page: 1, totalPages: 0, selected: {}, token: null, expiresAt: 0, seq: 0 };
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
  const marked = (v) => esc(typeof v === 'string' ? v : JSON.stringify(v))
    .split(PRE).join('<mark>').split(POST).join('</mark>');

  async function session() {
    const res = await fetch('/_miroir/ui/search/' + encodeURIComponent(INDEX) + '/session');
    if (!res.ok) throw new Error('no search session (' + res.status + ')');
    const s = await res.json();
    state.token = s.token;
    state.expiresAt = Date.parse(s.expiresAt);
  }

  function filter() {
    const parts = [];
    for (const [facet, values] of Object.entries(state.selected)) {
      if (values.size) parts.push([...values].map((v) => facet + ' = ' + JSON.stringify(v)));
    }
    return parts;
  }

  async function search(retried) {
    const seq = ++state.seq;
    if (!state.token || Date.now() > state.expiresAt - 30000) await session();
    const res = await fetch('/indexes/' + encodeURIComponent(INDEX) + '/search', {
      method: 'POST',
      headers: { authorization: 'Bearer ' + state.token, 'content-type': 'application/json' },
      body: JSON.stringify({
        q: state.q, page: state.page, hitsPerPage: 10,
        facets: CONFIG.facets, filter: filter(),
        attributesToHighlight: ['*'], highlightPreTag: PRE, highlightPostTag: POST,
      }),
    });
    if (res.status === 401 && !retried) { state.token = null; return search(true); }
    const body = await res.json();
    if (seq !== state.seq) return; // a newer search is on its way
    if (!res.ok) { $('status').innerHTML = '<span class="error">' + esc(body.message) + '</span>'; return; }
    render(body);
  }

  function render(body) {
    state.totalPages = body.totalPages;
    $('status').textContent = body.totalHits + ' results' + (body.totalPages > 1 ? ', page ' + body.page + ' of ' + body.totalPages : '');
    $('hits').innerHTML = body.hits.map((hit) => {
      const f = hit._formatted || hit;
      const fields = CONFIG.fields.length ? CONFIG.fields : Object.keys(f).filter((k) => !k.startsWith('_'));
      const [first, ...rest] = fields;
      return '<li class="hit"><div class="hit-title">' + marked(f[first] ?? '') + '</div>' +
        rest.filter((k) => f[k] !== undefined).map((k) => '<div><span class="meta">' + esc(k) + ':</span> ' + marked(f[k]) + '</div>').join('') + '</li>';
    }).join('');
    $('prev').disabled = state.page <= 1;
    $('next').disabled = state.page >= state.totalPages;
    const dist = body.facetDistribution || {};
    $('facets').innerHTML = CONFIG.facets.map((facet) => {
      const values = Object.entries(dist[facet] || {});
      return '<fieldset><legend>' + esc(facet) + '</legend>' + values.map(([v, n], i) => {
        const id = 'f-' + esc(facet) + '-' + i;
        const on = state.selected[facet] && state.selected[facet].has(v);
        return '<div><input type="checkbox" id="' + id + '" data-facet="' + esc(facet) + '" data-value="' + esc(v) + '"' + (on ? ' checked' : '') + '> <label for="' + id + '">' + esc(v) + ' (' + n + ')</label></div>';
      }).join('') + '</fieldset>';
    }).join('');
  }

  let timer = null;
  $('q').addEventListener('input', (e) => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.q = e.target.value; state.page = 1; search(); }, 120);
  });
  $('facets').addEventListener('change', (e) => {
    const { facet, value } = e.target.dataset;
    const set = (state.selected[facet] ||= new Set());
    if (e.target.checked) set.add(value); else set.delete(value);
    state.page = 1;
    search();
  });
  $('prev').addEventListener('click', () => { state.page -= 1; search(); });
  $('next').addEventListener('click', () => { state.page += 1; search(); });
  search();
})();
</script>
</body>
</html>`;
}
