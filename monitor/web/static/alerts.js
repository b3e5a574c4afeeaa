// The alerts view: open alerts by urgency, resolved ones apart, the selected alert's detail
// with its timeline, and the actions (keys, buttons) that move on to the next open alert.
'use strict';
const SEV_RANK = {critical: 0, warning: 1, info: 2};
const STATE_RANK = {firing: 0, acknowledged: 1, resolved: 2};
const KEYS = {a: 'ack', x: 'resolve', d: 'deleted', m: 'muted', r: 'replied', f: 'false_positive'};
const RESOLVED_SHOWN = 50;
const LONG_COMMENT = 240;  // characters shown folded beyond this

function now() { return Date.now() / 1000 + S.skew; }
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
  try { if (upsert(await api(`/api/v1/alerts/${encodeURIComponent(id)}`))) render(); } catch (e) { /* gone or not visible: the next update tries again */ }
}

// --- order: what needs a person first ------------------------------------------------------
function byUrgency(a, b) {
  const deadline = x => x.state === 'firing' && x.ack_deadline ? x.ack_deadline : Infinity;
  return (STATE_RANK[a.state] - STATE_RANK[b.state]) || (SEV_RANK[a.severity] - SEV_RANK[b.severity]) ||
    (deadline(a) - deadline(b)) || (lastStart(b) - lastStart(a));
}
function filtered() {
  return [...S.alerts.values()].filter(a => (!S.filterRoom || a.room === S.filterRoom) && (!S.filterSev || a.severity === S.filterSev));
}
function openAlerts() { return filtered().filter(a => a.state !== 'resolved').sort(byUrgency).slice(0, 200); }
function resolvedAlerts() {
  return filtered().filter(a => a.state === 'resolved').sort((a, b) => (b.resolved_at || 0) - (a.resolved_at || 0)).slice(0, RESOLVED_SHOWN);
}
function shownAlerts() { return openAlerts().concat(resolvedAlerts()); }
// Return the id of the next alert to work on after `done`: a firing one first (by urgency),
// then (unless only firing ones are wanted) any other open one; null when there is none.
function nextOpen(done, firingOnly) {
  const open = openAlerts().filter(a => a.id !== done);
  const next = open.find(a => a.state === 'firing') || (firingOnly ? null : open[0]);
  return next ? next.id : null;
}
function reopenedCount(a) { return a.history.filter(h => h.action === 'reopened').length; }
function lastStart(a) {
  const r = a.history.filter(h => h.action === 'reopened').pop();
  return r ? r.ts : a.started_at;
}
function roomName(id) { const r = S.rooms.find(r => r.id === id); return r ? r.name : id; }
function countdown(a) {
  if (a.state !== 'firing' || !a.ack_deadline) return null;
  const left = a.ack_deadline - now();
  return left >= 0 ? {text: `${t('ackIn')} ${fmtDur(left)}`, late: false} : {text: `${t('overdue')} ${fmtDur(-left)}`, late: true};
}

// --- the list ---------------------------------------------------------------------------------
function card(a) {
  const reopened = reopenedCount(a);
  const d = el('div', `alert ${a.severity} ${a.state}${reopened ? ' reopened' : ''}${a.id === S.selected ? ' selected' : ''}`);
  d.dataset.id = a.id; d.tabIndex = 0;
  const row = el('div', 'row');
  const title = el('b', 'title'); title.append(userText(a.plan_name));
  const badges = el('span', 'badges');
  if (reopened) badges.append(el('span', 'badge reopen', reopened > 1 ? `${t('reopened')} ×${reopened}` : t('reopened')));
  badges.append(el('span', `badge ${a.severity}`, t(a.severity)));
  row.append(title, badges);
  const key = el('div', 'row key');
  const who = el('span', 'group');
  if (a.group_key) { who.append(`${t('groupUser')} `); who.append(userText(a.group_key, 'nick')); }
  else who.append(t('groupRoom'));
  key.append(who, el('span', 'count', `${a.comments.length} ${t('commentsUnit')}`));
  d.append(row, key);
  const latest = a.comments[a.comments.length - 1];
  if (latest) {
    const line = el('div', 'latest');
    line.append(userText(latest.user || '?', 'nick'), ': ', userText(latest.text, 'text'));
    d.append(line);
  }
  const meta = el('div', 'row meta');
  meta.append(el('span', null, `${roomName(a.room)} · ${fmtTime(lastStart(a))}`), el('span', `badge ${a.state}`, t(a.state)));
  const cd = el('div', 'countdown'); cd.dataset.id = a.id;
  d.append(meta, cd);
  d.onclick = () => select(a.id, true);
  return d;
}
function renderAlerts() {
  const open = openAlerts(), resolved = resolvedAlerts(), shown = open.concat(resolved);
  const held = S.alerts.get(S.selected);  // a linked alert stays selected, shown or not
  if (!held || !filtered().includes(held)) { S.selected = shown.length ? shown[0].id : null; S.cursor = 0; }
  const box = $('alerts'); box.replaceChildren();
  if (!open.length) box.append(el('div', 'empty', t('noAlerts')));
  open.forEach(a => box.append(card(a)));
  const head = $('resolved-head'); head.classList.toggle('hidden', !resolved.length);
  head.textContent = `${t('resolvedSection')} (${resolved.length})`;
  const rbox = $('resolved'); rbox.replaceChildren(); resolved.forEach(a => rbox.append(card(a)));
  tickCountdowns();
}
function tickCountdowns() {
  document.querySelectorAll('.countdown').forEach(c => {
    const a = S.alerts.get(c.dataset.id); const cd = a && countdown(a);
    c.textContent = cd ? cd.text : ''; c.classList.toggle('late', !!(cd && cd.late));
  });
}
// Select an alert; `open` shows its detail on a phone (list and detail are stacked views).
function select(id, open) {
  S.selected = id; S.cursor = 0;
  if (open) S.detailOpen = true;
  if (id && S.tab === 'alerts') history.replaceState(null, '', `#alert-${id}`);
  render();
  if (open) window.scrollTo(0, 0);
}

// --- the detail -------------------------------------------------------------------------------
function button(label, key, fn, cls) {
  const b = el('button', cls || null, label); if (key) b.append(el('kbd', null, key.toUpperCase()));
  b.onclick = e => { e.stopPropagation(); fn(); }; return b;
}
// The alert's story: its history (created, acknowledged, escalated, resolved, reopened …)
// with the flagged comments grouped in between, oldest first.
function timeline(a) {
  const items = a.history.map((h, i) => ({ts: h.ts, kind: 'history', i, h}));
  a.comments.forEach((c, i) => items.push({ts: c.ts, kind: 'comment', i, c}));
  // By time; at the same second, history (in its own order) before the comments.
  items.sort((x, y) => x.ts - y.ts || (x.kind === y.kind ? x.i - y.i : x.kind === 'history' ? -1 : 1));
  const out = [];
  const created = a.history.length && a.history[0].action === 'created' ? a.history[0].ts : null;
  for (const it of items) {  // a run of grouped comments is one line
    if (it.kind === 'comment' && created !== null && it.ts <= created) continue;  // counted in "created"
    const last = out[out.length - 1];
    if (it.kind === 'comment' && last && last.kind === 'grouped') { last.n++; last.to = it.ts; last.c = it.c; continue; }
    out.push(it.kind === 'comment' ? {kind: 'grouped', n: 1, ts: it.ts, to: it.ts, c: it.c} : it);
  }
  const ul = el('ul', 'timeline');
  for (const it of out.slice(-60)) {
    const li = el('li', it.kind === 'grouped' ? 'tl grouped' : `tl ${it.h.action}`);
    li.append(el('time', null, fmtTime(it.ts)));
    const what = el('span', 'what');
    if (it.kind === 'grouped') {
      what.append(`${t('tl_grouped')} ${it.n} ${t('commentsUnit')}` + (it.n > 1 ? ` (${t('tl_until')} ${fmtTime(it.to)})` : '') + ' · ');
      what.append(userText(it.c.user || '?', 'nick'), ': ', userText(it.c.text, 'text'));
    } else {
      const h = it.h, label = t(`tl_${h.action}`);
      what.append(label === `tl_${h.action}` ? h.action : label);
      if (h.actor && h.actor !== 'system') { what.append(` · ${t('by')} `); what.append(userText(h.actor, 'nick')); }
      if (h.action === 'created' && created !== null) {
        const n = a.comments.filter(c => c.ts <= created).length;
        if (n) what.append(` · ${n} ${t('commentsUnit')}`);
      }
      const detail = historyDetail(h);
      if (detail && h.action !== 'created' && h.action !== 'reopened') { what.append(' · '); what.append(userText(detail, 'note')); }
    }
    li.append(what); ul.append(li);
  }
  return ul;
}
function renderDetail() {
  const body = $('detail-body'), bar = $('actionbar'); body.replaceChildren(); bar.replaceChildren();
  $('work').classList.toggle('show-detail', !!S.detailOpen);
  const a = S.alerts.get(S.selected);
  if (!a) { body.append(el('div', 'empty', t('noAlerts'))); return; }
  const h = el('h2'); h.append(userText(a.plan_name));
  if (reopenedCount(a)) h.append(' ', el('span', 'badge reopen', t('reopened')));
  body.append(h);
  const meta = el('div', 'muted meta-line', `${roomName(a.room)} · ${t(a.severity)} · ${t(a.state)} · ${t('started')} ${fmtTime(a.started_at)}`);
  if (a.acked_by) { meta.append(` · ${t('acked')}: `); meta.append(userText(a.acked_by, 'nick')); }
  if (a.escalation_level) meta.append(` · ${t('escalation')} ${a.escalation_level}`);
  body.append(meta);
  const esc = a.history.filter(x => x.action === 'escalated').pop();
  if (esc) {  // who was told and how, as far as the history says
    const line = el('div', 'muted escalated', `${t('tl_escalated')} ${fmtTime(esc.ts)} · `); line.append(userText(historyDetail(esc), 'note')); body.append(line);
  }
  if (a.group_key) { const g = el('div', 'muted'); g.append(`${t('groupUser')} `, userText(a.group_key, 'nick')); body.append(g); }
  const why = alertSummary(a); if (why) body.append(el('p', 'summary', why));
  const cd = el('div', 'countdown'); cd.dataset.id = a.id; body.append(cd);
  if (a.steps && a.steps.length) {
    body.append(el('h3', null, t('steps')));
    const ol = el('ol', 'steps'); a.steps.forEach(s => ol.append(el('li', null, s))); body.append(ol);
  }
  body.append(el('h3', null, t('timeline')), timeline(a));
  body.append(el('h3', null, `${t('comments')} (${a.comments.length})`));
  if (!a.comments.length) body.append(el('div', 'muted', t('noComments')));
  const canAllow = S.me && S.me.role !== 'controller';
  a.comments.slice().reverse().forEach((c, i) => {
    const long = Array.from(c.text || '').length > LONG_COMMENT;
    const d = el('div', `comment${c.action ? ' handled' : ''}${i === S.cursor ? ' cursor' : ''}${long ? ' long' : ''}`);
    const who = el('div', 'who'); who.append(userText(c.user || '?', 'nick'), ` · ${fmtTime(c.ts)} · ${categoryLabel(c.category)}`);
    d.append(who, highlighted(c.text, c.evidence));
    if (long) {  // a wall of text folds to a few lines until asked for
      const more = button(t('showAll'), null, () => { d.classList.toggle('open'); more.textContent = t(d.classList.contains('open') ? 'showLess' : 'showAll'); }, 'ghost more');
      d.append(more);
    }
    const row = el('div', 'actions');
    if (c.action) {
      const done = el('span', 'muted', `${t('handledAs')}${t(c.action)} (`); done.append(userText(c.handled_by || '', 'nick'), ')'); row.append(done);
      if (c.action === 'false_positive' && canAllow) {
        for (const term of new Set((c.evidence || []).map(e => e.term))) {
          const b = button(`${t('addAllow')}: `, null, () => offerAllow(term, c.category, a.room)); b.append(userText(term)); row.append(b);
        }
      }
    } else {
      for (const [k, action] of Object.entries(KEYS)) {
        if (action === 'ack' || action === 'resolve') continue;
        row.append(button(t(action), k, () => { S.cursor = i; handle(action); }));
      }
    }
    d.append(row); d.onclick = () => { S.cursor = i; renderDetail(); };
    body.append(d);
  });
  if (a.state === 'firing') bar.append(button(t('ack'), 'a', () => act('ack'), 'primary'));
  if (a.state !== 'resolved') bar.append(button(t('resolve'), 'x', () => act('resolve')));
  const next = nextOpen(a.id);
  if (next) bar.append(button(t('nextAlert'), 'j', () => select(next, true), 'ghost'));
  tickCountdowns();
}
function renderFlags() {
  const ul = $('flags'); ul.replaceChildren();
  for (const f of S.flags) {
    const li = el('li'); li.append(el('span', 'muted', `${fmtTime(f.ts)} ${roomName(f.room)} [${categoryLabel(f.category)}] `));
    li.append(userText(f.user || '?', 'nick'), ': ', highlighted(f.text, f.evidence));
    ul.append(li);
  }
}
function render() { renderRooms(); renderAlerts(); renderDetail(); }

// --- actions ----------------------------------------------------------------------------------
async function act(action) {
  const a = S.alerts.get(S.selected); if (!a) return;
  try {
    upsert(await api(`/api/v1/alerts/${a.id}/${action}`, {method: 'POST', body: '{}'}));
    toast(`${t(action)} ✓`);
    // The work moves on: after acknowledging, the next firing alert; after resolving, the
    // next open one. With nothing left, the list (on a phone) shows it is all done.
    const next = nextOpen(a.id, action === 'ack');
    if (next) { S.selected = next; S.cursor = 0; history.replaceState(null, '', `#alert-${next}`); }
    else if (action === 'resolve') S.detailOpen = false;
  } catch (e) { toast(`${t('failed')}: ${e.message}`); }
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
// Open an alert a link names (#alert-<id>), reading it when it is not held here.
async function openLinked(id) {
  if (!S.alerts.has(id)) {
    try { upsert(await api(`/api/v1/alerts/${encodeURIComponent(id)}`)); }
    catch (e) { if (e.message !== 'login') toast(t('alertMissing')); return; }
    const a = S.alerts.get(id);
    if (a && S.filterRoom && a.room !== S.filterRoom) { S.filterRoom = ''; $('f-room').value = ''; }
  }
  showTab('alerts', true); select(id, true);
}
document.addEventListener('keydown', e => {
  if (S.tab !== 'alerts' || e.ctrlKey || e.metaKey || e.altKey || ['INPUT', 'SELECT', 'TEXTAREA'].includes(e.target.tagName)) return;
  const k = e.key.toLowerCase(); const list = shownAlerts(); const i = list.findIndex(a => a.id === S.selected);
  if (k === 'j' || k === 'arrowdown') { if (i + 1 < list.length) select(list[i + 1].id); }
  else if (k === 'k' || k === 'arrowup') { if (i > 0) select(list[i - 1].id); }
  else if (k === 'n') { const a = S.alerts.get(S.selected); if (a && a.comments.length) { S.cursor = (S.cursor + 1) % a.comments.length; renderDetail(); } }
  else if (k === 'escape') { S.detailOpen = false; renderDetail(); }
  else if (KEYS[k]) { e.preventDefault(); (k === 'a' || k === 'x') ? act(KEYS[k]) : handle(KEYS[k]); }
});
