// roomwatch console: live alerts for the logged-in user's rooms, keyboard-first actions.
'use strict';
const S = {me: null, alerts: new Map(), selected: null, cursor: 0, last: null, skew: 0, rooms: [],
  flags: [], filterRoom: '', filterSev: '', tab: 'alerts', reportBy: 'controller', ws: null, loaded: false};
const $ = id => document.getElementById(id);
const SEV_RANK = {critical: 0, warning: 1, info: 2};
const STATE_RANK = {firing: 0, acknowledged: 1, resolved: 2};
const KEYS = {a: 'ack', x: 'resolve', d: 'deleted', m: 'muted', r: 'replied', f: 'false_positive'};

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}
function toast(msg) { const b = $('toast'); b.textContent = msg; b.classList.add('show'); setTimeout(() => b.classList.remove('show'), 2500); }
function now() { return Date.now() / 1000 + S.skew; }
function fmtDur(s) {
  if (s === null || s === undefined) return '–';
  s = Math.max(0, Math.round(s)); const m = Math.floor(s / 60), r = s % 60;
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : `${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}`;
}
function fmtTime(ts) { return new Date(ts * 1000).toLocaleTimeString(LANG === 'zh' ? 'zh-CN' : 'en-GB', {hour12: false}); }
async function api(path, opts) {
  const r = await fetch(path, Object.assign({headers: {'Content-Type': 'application/json'}}, opts || {}));
  if (r.status === 401) { location.href = '/login'; throw new Error('login'); }
  const body = r.headers.get('Content-Type')?.includes('json') ? await r.json() : await r.text();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

// --- highlighting: evidence spans are code-point offsets into the comment text --------------
function highlighted(text, evidence) {
  const chars = Array.from(text || ''); const frag = document.createDocumentFragment();
  const spans = (evidence || []).filter(e => e.end > e.start).sort((a, b) => a.start - b.start);
  let pos = 0;
  for (const e of spans) {
    if (e.start < pos) continue;
    if (e.start > pos) frag.append(chars.slice(pos, e.start).join(''));
    const m = el('mark', null, chars.slice(e.start, e.end).join('')); m.title = categoryLabel(e.category); frag.append(m);
    pos = e.end;
  }
  if (pos < chars.length) frag.append(chars.slice(pos).join(''));
  return frag;
}

// --- alerts ----------------------------------------------------------------------------------
function upsert(a) {
  const old = S.alerts.get(a.id);
  if (old && old.version > a.version) return false;
  S.alerts.set(a.id, a);
  return true;
}
// An alert_update item carries only what changed since base_version (docs/console.md):
// merge it into the copy held here, or read the whole alert when that copy is not the base.
function applyUpdate(d) {
  if (d.base_version === undefined) return upsert(d);
  const old = S.alerts.get(d.id);
  if (old && old.version >= d.version) return false;
  if (!old || old.version !== d.base_version) { refetch(d.id); return false; }
  const comments = new Map(old.comments.map(c => [c.event_id, c]));
  d.comments.forEach(c => comments.set(c.event_id, c));
  const merged = {...d, comments: [...comments.values()].slice(-d.comments_total), history: old.history.concat(d.history).slice(-500)};
  delete merged.base_version; delete merged.comments_total;
  S.alerts.set(d.id, merged);
  return true;
}
async function refetch(id) {
  try { if (upsert(await api(`/api/v1/alerts/${id}`))) render(); } catch (e) { /* gone or not visible: the next update tries again */ }
}
function visibleAlerts() {
  return [...S.alerts.values()]
    .filter(a => (!S.filterRoom || a.room === S.filterRoom) && (!S.filterSev || a.severity === S.filterSev))
    .sort((a, b) => (STATE_RANK[a.state] - STATE_RANK[b.state]) || (SEV_RANK[a.severity] - SEV_RANK[b.severity]) || (b.started_at - a.started_at))
    .slice(0, 200);
}
function roomName(id) { const r = S.rooms.find(r => r.id === id); return r ? r.name : id; }
function countdown(a) {
  if (a.state !== 'firing' || !a.ack_deadline) return null;
  const left = a.ack_deadline - now();
  return left >= 0 ? {text: `${t('ackIn')} ${fmtDur(left)}`, late: false} : {text: `${t('overdue')} ${fmtDur(-left)}`, late: true};
}
function renderAlerts() {
  const box = $('alerts'); box.replaceChildren();
  const list = visibleAlerts();
  if (!list.length) { box.append(el('div', 'empty', t('noAlerts'))); }
  if (!S.selected || !list.find(a => a.id === S.selected)) { S.selected = list.length ? list[0].id : null; S.cursor = 0; }
  for (const a of list) {
    const d = el('div', `alert ${a.severity} ${a.state}${a.id === S.selected ? ' selected' : ''}`);
    d.dataset.id = a.id;
    const row = el('div', 'row');
    row.append(el('b', null, a.plan_name), el('span', `badge ${a.severity}`, t(a.severity)));
    const meta = el('div', 'row meta');
    meta.append(el('span', null, `${roomName(a.room)} · ${fmtTime(a.started_at)}`), el('span', `badge ${a.state}`, t(a.state)));
    const cd = el('div', 'countdown'); cd.dataset.id = a.id;
    d.append(row, meta, cd);
    d.onclick = () => { S.selected = a.id; S.cursor = 0; render(); };
    box.append(d);
  }
  tickCountdowns();
}
function tickCountdowns() {
  document.querySelectorAll('.countdown').forEach(c => {
    const a = S.alerts.get(c.dataset.id); const cd = a && countdown(a);
    c.textContent = cd ? cd.text : ''; c.classList.toggle('late', !!(cd && cd.late));
  });
}
function button(label, key, fn) {
  const b = el('button', null, label); if (key) { const k = el('kbd', null, key.toUpperCase()); b.append(k); }
  b.onclick = fn; return b;
}
function renderDetail() {
  const box = $('detail'); box.replaceChildren();
  const a = S.alerts.get(S.selected);
  if (!a) { box.append(el('div', 'empty', t('noAlerts'))); return; }
  const h = el('h2', null, a.plan_name); box.append(h);
  const meta = el('div', 'muted', `${roomName(a.room)} · ${t(a.severity)} · ${t(a.state)} · ${t('started')} ${fmtTime(a.started_at)}` +
    (a.acked_by ? ` · ${t('acked')}: ${a.acked_by}` : '') + (a.escalation_level ? ` · ${t('escalation')} ${a.escalation_level}` : ''));
  box.append(meta);
  const why = alertSummary(a); if (why) box.append(el('p', 'summary', why));
  const acts = el('div', 'actions');
  if (a.state === 'firing') acts.append(button(t('ack'), 'a', () => act('ack')));
  if (a.state !== 'resolved') acts.append(button(t('resolve'), 'x', () => act('resolve')));
  box.append(acts);
  if (a.steps && a.steps.length) {
    box.append(el('h3', null, t('steps')));
    const ol = el('ol'); a.steps.forEach(s => ol.append(el('li', null, s))); box.append(ol);
  }
  box.append(el('h3', null, t('comments')));
  if (!a.comments.length) box.append(el('div', 'muted', t('noComments')));
  const canAllow = S.me && S.me.role !== 'controller';
  a.comments.slice().reverse().forEach((c, i) => {
    const d = el('div', `comment${c.action ? ' handled' : ''}${i === S.cursor ? ' cursor' : ''}`);
    d.append(el('div', 'who', `${c.user || '?'} · ${fmtTime(c.ts)} · ${categoryLabel(c.category)}`));
    const txt = el('div'); txt.append(highlighted(c.text, c.evidence)); d.append(txt);
    const row = el('div', 'actions');
    if (c.action) {
      row.append(el('span', 'muted', `${t('handledAs')}${t(c.action)} (${c.handled_by})`));
      if (c.action === 'false_positive' && canAllow) {
        for (const term of new Set((c.evidence || []).map(e => e.term)))
          row.append(button(`${t('addAllow')}: ${term}`, null, () => allow(term, c.category)));
      }
    } else {
      for (const [k, action] of Object.entries(KEYS)) {
        if (action === 'ack' || action === 'resolve') continue;
        row.append(button(t(action), k, () => { S.cursor = i; handle(action); }));
      }
    }
    d.append(row); d.onclick = () => { S.cursor = i; renderDetail(); };
    box.append(d);
  });
}
function renderRooms() {
  const box = $('rooms'); box.replaceChildren();
  for (const r of S.rooms) {
    const d = el('div', `room${S.filterRoom === r.id ? ' selected' : ''}`);
    const h = el('h4'); h.append(el('span', null, r.name), el('span', 'muted', r.id)); d.append(h);
    const figs = el('div', 'figs');
    const fig = (label, value, cls) => { const f = el('div', cls); f.append(el('b', null, value), label); figs.append(f); };
    fig(t('viewers'), r.viewers === null ? '–' : Math.round(r.viewers).toLocaleString());
    fig(t('commentRate'), r.comments_per_min === null ? '–' : r.comments_per_min.toFixed(0));
    fig(t('negRatio'), r.negative_ratio === null ? '–' : `${(r.negative_ratio * 100).toFixed(1)}%`);
    fig(t('openAlerts'), String(r.open_alerts), `open${r.open_alerts ? ' has' : ''}`);
    d.append(figs);
    d.onclick = () => { S.filterRoom = S.filterRoom === r.id ? '' : r.id; $('f-room').value = S.filterRoom; render(); };
    box.append(d);
  }
}
function renderFlags() {
  const ul = $('flags'); ul.replaceChildren();
  for (const f of S.flags) {
    const li = el('li'); li.append(el('span', 'muted', `${fmtTime(f.ts)} ${roomName(f.room)} [${categoryLabel(f.category)}] ${f.user}: `), highlighted(f.text, f.evidence));
    ul.append(li);
  }
}
function render() { renderRooms(); renderAlerts(); renderDetail(); }

// --- actions ---------------------------------------------------------------------------------
async function act(action) {
  const a = S.alerts.get(S.selected); if (!a) return;
  try { upsert(await api(`/api/v1/alerts/${a.id}/${action}`, {method: 'POST', body: '{}'})); toast(`${t(action)} ✓`); }
  catch (e) { toast(`${t('failed')}: ${e.message}`); }
  render();
}
async function handle(action) {
  const a = S.alerts.get(S.selected); if (!a) return;
  const list = a.comments.slice().reverse(); let c = list[S.cursor];
  if (!c || c.action) { const i = list.findIndex(x => !x.action); if (i < 0) return; S.cursor = i; c = list[i]; }
  try {
    upsert(await api(`/api/v1/alerts/${a.id}/comments/${encodeURIComponent(c.event_id)}`, {method: 'POST', body: JSON.stringify({action})}));
    toast(`${t(action)} ✓`);
    const next = S.alerts.get(a.id).comments.slice().reverse().findIndex(x => !x.action); if (next >= 0) S.cursor = next;
  } catch (e) { toast(`${t('failed')}: ${e.message}`); }
  render();
}
async function allow(term, category) {
  // The supervisor may widen the term to the phrase it appeared in (微信 -> 微信支付).
  term = window.prompt(t('allowPrompt'), term);
  if (!term || !term.trim()) return;
  try { const r = await api('/api/v1/allowlist', {method: 'POST', body: JSON.stringify({term, category})}); toast(r.reloaded ? t('allowAdded') : t('allowSaved')); }
  catch (e) { toast(`${t('failed')}: ${e.message}`); }
}
document.addEventListener('keydown', e => {
  if (S.tab !== 'alerts' || e.ctrlKey || e.metaKey || e.altKey || ['INPUT', 'SELECT', 'TEXTAREA'].includes(e.target.tagName)) return;
  const k = e.key.toLowerCase(); const list = visibleAlerts(); const i = list.findIndex(a => a.id === S.selected);
  if (k === 'j' || k === 'arrowdown') { if (i + 1 < list.length) { S.selected = list[i + 1].id; S.cursor = 0; } render(); }
  else if (k === 'k' || k === 'arrowup') { if (i > 0) { S.selected = list[i - 1].id; S.cursor = 0; } render(); }
  else if (k === 'n') { const a = S.alerts.get(S.selected); if (a && a.comments.length) { S.cursor = (S.cursor + 1) % a.comments.length; renderDetail(); } }
  else if (KEYS[k]) { e.preventDefault(); (k === 'a' || k === 'x') ? act(KEYS[k]) : handle(KEYS[k]); }
});

// --- alarms for new critical alerts -----------------------------------------------------------
let audio = null;
function beep() {
  try {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    [0, 0.25].forEach(off => {
      const o = audio.createOscillator(), g = audio.createGain(); o.frequency.value = 880; o.connect(g); g.connect(audio.destination);
      g.gain.setValueAtTime(0.2, audio.currentTime + off); g.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + off + 0.2);
      o.start(audio.currentTime + off); o.stop(audio.currentTime + off + 0.2);
    });
  } catch (e) { /* no audio device: the visual alert still shows */ }
}
function alarm(a) {
  beep();
  if ('Notification' in window && Notification.permission === 'granted')
    new Notification(`${t('newCritical')}: ${a.plan_name}`, {body: `${roomName(a.room)} ${alertSummary(a)}`, tag: a.id});
}

// --- live feed -------------------------------------------------------------------------------
function connect() {
  const after = S.last === null ? 'latest' : S.last;
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/feed?after=${after}`);
  S.ws = ws;
  ws.onmessage = async ev => {
    const m = JSON.parse(ev.data);
    if ((m.type === 'hello' || m.type === 'heartbeat') && m.ts) S.skew = m.ts - Date.now() / 1000;
    if (m.type === 'hello') {
      setStatus('live');
      if (S.last === null) { S.last = m.after; await loadAlerts(); }
      return;
    }
    if (m.type === 'heartbeat') return;
    if (typeof m.seq === 'number') S.last = Math.max(S.last || 0, m.seq);
    if (m.type === 'alert' || m.type === 'alert_update') {
      const fresh = !S.alerts.has(m.data.id);
      if (applyUpdate(m.data)) render();
      if (fresh && m.type === 'alert' && m.data.severity === 'critical') alarm(m.data);
    } else if (m.type === 'flag') {
      S.flags.unshift(m.data); S.flags.length = Math.min(S.flags.length, 50); renderFlags();
    }
  };
  ws.onclose = () => { setStatus('down'); setTimeout(connect, 1000); };
}
function setStatus(s) {
  if (s) S.status = s;
  const b = $('status'); b.className = `status ${S.status || ''}`;
  b.textContent = t(S.status === 'live' ? 'connected' : S.status === 'down' ? 'reconnecting' : 'connecting');
}
async function loadAlerts() {
  const r = await api('/api/v1/alerts?limit=300');
  r.alerts.forEach(upsert); S.loaded = true; render();
}
async function loadRooms() {
  try { S.rooms = (await api('/api/v1/rooms')).rooms; renderRooms(); } catch (e) { /* retried on the next poll */ }
}

// --- reports and false positives ----------------------------------------------------------------
async function loadReport() {
  const q = `by=${S.reportBy}`; $('csv').href = `/api/v1/reports/response-times?${q}&format=csv`;
  const r = await api(`/api/v1/reports/response-times?${q}`);
  const cols = [[S.reportBy === 'room' ? 'room' : 'controller', 'key'], ['count', 'alerts'], ['acked', 'acknowledged'], ['resolvedN', 'resolved'],
    ['ackMedian', 'ack_median', fmtDur], ['ackP90', 'ack_p90', fmtDur], ['resMedian', 'resolve_median', fmtDur], ['resP90', 'resolve_p90', fmtDur],
    ['within', 'within_deadline', v => v === null ? '–' : `${(v * 100).toFixed(0)}%`], ['escalated', 'escalated'], ['handled', 'comments_handled'],
    ['handleMedian', 'handle_median', fmtDur]];
  const table = $('report'); table.replaceChildren();
  const hr = el('tr'); cols.forEach(c => hr.append(el('th', null, t(c[0])))); table.append(hr);
  for (const row of r.rows) {
    const tr = el('tr'); cols.forEach(c => tr.append(el('td', null, c[2] ? c[2](row[c[1]]) : (c[0] === 'room' ? roomName(row[c[1]]) : row[c[1]] === '(unassigned)' ? t('unassigned') : row[c[1]])))); table.append(tr);
  }
}
async function loadFalsePositives() {
  const r = await api('/api/v1/false-positives');
  const table = $('fp'); table.replaceChildren();
  const hr = el('tr'); ['time', 'room', 'category', 'text', 'by', 'term'].forEach(k => hr.append(el('th', null, t(k)))); table.append(hr);
  const canAllow = S.me.role !== 'controller';
  for (const f of r.false_positives) {
    const tr = el('tr'); const txt = el('td'); txt.append(highlighted(f.text, f.evidence));
    const terms = el('td'); for (const term of f.terms) terms.append(canAllow ? button(`${t('addAllow')}: ${term}`, null, () => allow(term, f.category)) : el('span', null, term));
    tr.append(el('td', null, fmtTime(f.ts)), el('td', null, roomName(f.room)), el('td', null, categoryLabel(f.category)), txt, el('td', null, f.by), terms);
    table.append(tr);
  }
}
function showTab(tab) {
  S.tab = tab;
  document.querySelectorAll('.tab').forEach(b => b.classList.toggle('active', b.dataset.tab === tab));
  document.querySelectorAll('.tabpane').forEach(p => p.classList.toggle('hidden', p.id !== `tab-${tab}`));
  if (tab === 'reports') loadReport(); else if (tab === 'feedback') loadFalsePositives();
}

// --- start -----------------------------------------------------------------------------------
function paintStatic() {
  applyTexts(); document.title = t('title'); $('lang').textContent = t('lang');
  const sel = $('f-room'); sel.replaceChildren(); const all = el('option', null, t('allRooms')); all.value = ''; sel.append(all);
  (S.me ? S.me.visible_rooms : []).forEach(id => { const o = el('option', null, roomName(id)); o.value = id; sel.append(o); });
  sel.value = S.filterRoom;
  if (S.me) $('me').textContent = `${S.me.name || S.me.id} (${t(S.me.role)})`;
  setStatus();
  if ('Notification' in window && Notification.permission === 'granted') $('notify').textContent = t('notifyOn');
}
async function start() {
  S.me = await api('/api/v1/me');
  await loadRooms(); paintStatic();
  $('f-room').onchange = e => { S.filterRoom = e.target.value; render(); };
  $('f-severity').onchange = e => { S.filterSev = e.target.value; render(); };
  $('lang').onclick = e => { e.preventDefault(); setLang(LANG === 'zh' ? 'en' : 'zh'); paintStatic(); render(); renderFlags(); if (S.tab !== 'alerts') showTab(S.tab); };
  $('logout').onclick = async () => { await fetch('/api/v1/logout', {method: 'POST'}); location.href = '/login'; };
  $('notify').onclick = async () => { if ('Notification' in window) { await Notification.requestPermission(); paintStatic(); } beep(); };
  document.querySelectorAll('.tab').forEach(b => b.onclick = () => showTab(b.dataset.tab));
  document.querySelectorAll('.by').forEach(b => b.onclick = () => {
    S.reportBy = b.dataset.by; document.querySelectorAll('.by').forEach(x => x.classList.toggle('active', x === b)); loadReport();
  });
  render(); connect();
  setInterval(tickCountdowns, 1000);
  setInterval(loadRooms, 3000);
}
start();
