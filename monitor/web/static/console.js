// roomwatch console: views, the live feed and start-up. Alerts: alerts.js; other views: pages.js.
'use strict';
const S = {retries: 0, me: null, alerts: new Map(), selected: null, cursor: 0, last: null, skew: 0, rooms: [],
  flags: [], filterRoom: '', filterSev: '', tab: 'alerts', reportBy: 'controller', ws: null, loaded: false,
  detailOpen: false, allowDraft: null, allowInfo: null};

// --- views: one nav button and one <main id="tab-NAME"> each (registerView: util.js) ----------
registerView('alerts');
registerView('reports', {load: loadReport});
registerView('feedback', {load: loadFalsePositives});
registerView('allowlist', {load: loadAllowlist});

function showTab(tab, keepHash) {
  const roles = VIEWS[tab] && VIEWS[tab].roles;
  if (!VIEWS[tab] || (roles && S.me && !roles.includes(S.me.role))) tab = 'alerts';
  S.tab = tab;
  document.querySelectorAll('.tab').forEach(b => b.classList.toggle('active', b.dataset.tab === tab));
  document.querySelectorAll('.tabpane').forEach(p => p.classList.toggle('hidden', p.id !== `tab-${tab}`));
  if (!keepHash) history.replaceState(null, '', tab === 'alerts' ? (S.selected ? `#alert-${S.selected}` : '#alerts') : `#${tab}`);
  const load = VIEWS[tab].load;
  if (load) load().catch(e => { if (e.message !== 'login') toast(`${t('failed')}: ${e.message}`); });
}
// Follow the address: #alert-<id> opens that alert, #<view> shows a view.
function route() {
  const m = /^#alert-([A-Za-z0-9_-]{1,64})$/.exec(location.hash);
  if (m) { openLinked(m[1]); return; }
  const name = location.hash.slice(1);
  showTab(VIEWS[name] ? name : 'alerts', true);
}

// --- rooms --------------------------------------------------------------------------------------
function renderRooms() {
  const box = $('rooms'); box.replaceChildren();
  for (const r of S.rooms) {
    const d = el('div', `room${S.filterRoom === r.id ? ' selected' : ''}`);
    const h = el('h4'); h.append(userText(r.name, 'name'), el('span', 'muted', r.id)); d.append(h);
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
      S.retries = 0;
      if (S.last === null) { S.last = m.after; await Promise.all([loadAlerts(), loadFlags(m.after)]); }
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
  ws.onclose = ev => {
    setStatus('down');
    // 4001: the session or token was revoked (logout, deletion, expiry): sign in again.
    if (ev.code === 4001) { location.href = '/login' + returnHash(); return; }
    // Anything else (a restart, a network drop, changed access): back off 1, 2, 4 … 30 s.
    const wait = Math.min(30000, 1000 * 2 ** S.retries) * (0.75 + Math.random() / 2);
    S.retries = Math.min(S.retries + 1, 5);
    setTimeout(connect, wait);
  };
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
// The newest flags up to the feed position the live stream starts after (none twice).
async function loadFlags(before) {
  try {
    const r = await api(`/api/v1/flags?limit=50&before=${before}`);
    const live = S.flags; S.flags = live.concat(r.flags).slice(0, 50); renderFlags();
  } catch (e) { /* the live flags still arrive */ }
}
async function loadRooms() {
  try { S.rooms = (await api('/api/v1/rooms')).rooms; renderRooms(); } catch (e) { /* retried on the next poll */ }
}

// --- start -----------------------------------------------------------------------------------
function paintStatic() {
  applyTexts(); document.title = t('title'); $('lang').textContent = t('lang');
  const sel = $('f-room'); sel.replaceChildren(); const all = el('option', null, t('allRooms')); all.value = ''; sel.append(all);
  (S.me ? S.me.visible_rooms : []).forEach(id => { const o = el('option', null, roomName(id)); o.value = id; sel.append(o); });
  sel.value = S.filterRoom;
  document.querySelectorAll('.tab').forEach(b => {
    const roles = VIEWS[b.dataset.tab] && VIEWS[b.dataset.tab].roles;
    b.classList.toggle('hidden', !!(roles && S.me && !roles.includes(S.me.role)));
  });
  if (S.me) { const me = $('me'); me.replaceChildren(userText(S.me.name || S.me.id, 'nick'), ` (${t(S.me.role)})`); }
  setStatus();
  if ('Notification' in window && Notification.permission === 'granted') $('notify').textContent = t('notifyOn');
}
async function start() {
  S.me = await api('/api/v1/me');
  await loadRooms(); paintStatic();
  $('f-room').onchange = e => { S.filterRoom = e.target.value; render(); };
  $('f-severity').onchange = e => { S.filterSev = e.target.value; render(); };
  $('lang').onclick = e => { e.preventDefault(); setLang(LANG === 'zh' ? 'en' : 'zh'); paintStatic(); render(); renderFlags(); if (S.tab !== 'alerts') showTab(S.tab, true); };
  $('logout').onclick = async () => { await fetch('/api/v1/logout', {method: 'POST'}); location.href = '/login'; };
  $('notify').onclick = async () => { if ('Notification' in window) { await Notification.requestPermission(); paintStatic(); } beep(); };
  $('back').onclick = () => { S.detailOpen = false; history.replaceState(null, '', '#alerts'); renderDetail(); };
  $('allow-scope').onchange = showScopeFields;
  $('allow-form').onsubmit = submitAllow;
  document.querySelectorAll('.tab').forEach(b => b.onclick = () => showTab(b.dataset.tab));
  document.querySelectorAll('.by').forEach(b => b.onclick = () => {
    S.reportBy = b.dataset.by; document.querySelectorAll('.by').forEach(x => x.classList.toggle('active', x === b)); loadReport();
  });
  window.addEventListener('hashchange', route);
  render(); route(); connect();
  setInterval(tickCountdowns, 1000);
  setInterval(loadRooms, 3000);
}
start();
