// Helpers every console script uses: DOM building, user text shown safely, times, the API.
'use strict';
const $ = id => document.getElementById(id);

// The console's views. A view adds a nav button (data-tab="NAME") and a
// <main id="tab-NAME" class="tabpane hidden"> to console.html and registers itself here from
// its own script: `load` (async) runs each time it is shown, `roles` limits who sees it.
const VIEWS = {};
function registerView(name, opts) { VIEWS[name] = Object.assign({load: null, roles: null}, opts || {}); }

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

// Characters that change how the text around them is shown (bidi overrides, embeddings and
// isolates, zero-width marks, line/paragraph separators) or are not text at all (controls).
// User text shows them as a visible code instead: a nickname cannot reverse itself into
// "admin", hide part of itself or break the line it sits on.
const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2064\u2066-\u206f\u3164\ufeff\ufff9-\ufffb\u{e0000}-\u{e007f}]/gu;

// Return a fragment of `text` with every hidden character replaced by a marked code.
function visible(text) {
  text = text === null || text === undefined ? '' : String(text);
  const frag = document.createDocumentFragment();
  let last = 0;
  for (const m of text.matchAll(HIDDEN)) {
    if (m.index > last) frag.append(text.slice(last, m.index));
    const code = m[0].codePointAt(0).toString(16).toUpperCase().padStart(4, '0');
    const mark = el('span', 'ctl', `U+${code}`); mark.title = t('hiddenChar'); frag.append(mark);
    last = m.index + m[0].length;
  }
  if (last < text.length) frag.append(text.slice(last));
  return frag;
}
// Return user-supplied text (nickname, comment, term) isolated from the text around it.
function userText(text, cls) {
  const b = el('bdi', cls ? `user ${cls}` : 'user'); b.append(visible(text)); return b;
}
// Return a comment with its evidence spans (code-point offsets) marked, isolated.
function highlighted(text, evidence) {
  const chars = Array.from(text || ''); const box = el('bdi', 'user text');
  const spans = (evidence || []).filter(e => e.end > e.start).sort((a, b) => a.start - b.start);
  let pos = 0;
  for (const e of spans) {
    if (e.start < pos) continue;
    if (e.start > pos) box.append(visible(chars.slice(pos, e.start).join('')));
    const m = el('mark'); m.append(visible(chars.slice(e.start, e.end).join(''))); m.title = categoryLabel(e.category);
    box.append(m);
    pos = e.end;
  }
  if (pos < chars.length) box.append(visible(chars.slice(pos).join('')));
  return box;
}

function toast(msg) { const b = $('toast'); b.textContent = msg; b.classList.add('show'); clearTimeout(toast.timer); toast.timer = setTimeout(() => b.classList.remove('show'), 2500); }
function fmtDur(s) {
  if (s === null || s === undefined) return '–';
  s = Math.max(0, Math.round(s)); const m = Math.floor(s / 60), r = s % 60;
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : `${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}`;
}
function locale() { return LANG === 'zh' ? 'zh-CN' : 'en-GB'; }
function fmtTime(ts) { return new Date(ts * 1000).toLocaleTimeString(locale(), {hour12: false}); }
function fmtDateTime(ts) {
  return new Date(ts * 1000).toLocaleString(locale(), {hour12: false, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit'});
}

// Where a login sends the user back to: a view or an alert of this console, nothing else.
function returnHash() { return /^#[A-Za-z0-9_-]{1,80}$/.test(location.hash) ? location.hash : ''; }
async function api(path, opts) {
  const r = await fetch(path, Object.assign({headers: {'Content-Type': 'application/json'}}, opts || {}));
  if (r.status === 401) { location.href = '/login' + returnHash(); throw new Error('login'); }
  const body = r.headers.get('Content-Type')?.includes('json') ? await r.json() : await r.text();
  if (!r.ok) { const e = new Error(body.error || r.statusText); e.status = r.status; throw e; }
  return body;
}
