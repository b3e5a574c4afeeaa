// The other views: response report, false positives and the allowlist.
'use strict';

// A table cell that names its column, so a phone can show the row as a card.
function cell(label, content, cls) {
  const td = el('td', cls || null); td.dataset.label = label ? t(label) : '';
  if (content instanceof Node) td.append(content); else if (content !== undefined) td.textContent = content;
  return td;
}

// --- response report ------------------------------------------------------------------------
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
    const tr = el('tr');
    cols.forEach(c => {
      const v = row[c[1]];
      tr.append(el('td', null, c[2] ? c[2](v) : c[0] === 'room' ? roomName(v) : v === '(unassigned)' ? t('unassigned') : v));
    });
    table.append(tr);
  }
}

// --- false positives ---------------------------------------------------------------------------
async function loadFalsePositives() {
  const r = await api('/api/v1/false-positives');
  const table = $('fp'); table.replaceChildren();
  const hr = el('tr'); ['time', 'room', 'category', 'text', 'by', 'term'].forEach(k => hr.append(el('th', null, t(k)))); table.append(hr);
  const canAllow = S.me.role !== 'controller';
  for (const f of r.false_positives) {
    const tr = el('tr');
    const terms = cell('term');
    for (const term of f.terms) {
      if (canAllow) { const b = button(`${t('addAllow')}: `, null, () => offerAllow(term, f.category, f.room)); b.append(userText(term)); terms.append(b); }
      else terms.append(userText(term));
    }
    tr.append(cell('time', fmtDateTime(f.ts)), cell('room', roomName(f.room)), cell('category', categoryLabel(f.category)),
      cell('text', highlighted(f.text, f.evidence), 'wrap'), cell('by', userText(f.by, 'nick')), terms);
    table.append(tr);
  }
}

// --- allowlist ----------------------------------------------------------------------------------
// A term offered from a false positive opens the allowlist form, filled in: the supervisor
// may widen it to the ordinary phrase around it (微信 -> 微信支付) and picks where it applies.
function offerAllow(term, category, room) {
  S.allowDraft = {term, category, room};
  showTab('allowlist');
}
function scopeText(x) {
  if (x.scope === 'team') return `${t('scopeTeam')} ${x.team}`;
  if (x.scope === 'rooms') return `${t('scopeRooms')} ${x.rooms.map(roomName).join('、')}`;
  return t('scopeGlobal');
}
function paintAllowForm(info) {
  const form = $('allow-form'); form.classList.toggle('hidden', !info.can_add);
  if (!info.can_add) return;
  const scope = $('allow-scope'), keep = scope.value; scope.replaceChildren();
  const opts = [];
  if (info.teams.length) opts.push(['team', t('scopeTeam')]);
  opts.push(['rooms', t('scopeRooms')]);
  if (info.can_global) opts.push(['global', t('scopeGlobal')]);
  opts.forEach(([v, label]) => { const o = el('option', null, label); o.value = v; scope.append(o); });
  if (opts.some(o => o[0] === keep)) scope.value = keep;
  const team = $('allow-team'), keepTeam = team.value; team.replaceChildren();
  info.teams.forEach(id => { const o = el('option', null, id); o.value = id; team.append(o); });
  if (info.teams.includes(keepTeam)) team.value = keepTeam;
  const picks = $('allow-rooms'); picks.querySelectorAll('label').forEach(l => l.remove());
  info.rooms.forEach(id => {
    const l = el('label', 'pick'); const c = el('input'); c.type = 'checkbox'; c.value = id;
    l.append(c, ` ${roomName(id)}`); picks.append(l);
  });
  const draft = S.allowDraft;
  if (draft) {
    $('allow-term').value = draft.term; $('allow-category').value = draft.category || '';
    picks.querySelectorAll('input').forEach(c => { c.checked = c.value === draft.room; });
    S.allowDraft = null;
    $('allow-term').focus();
  }
  showScopeFields();
}
function showScopeFields() {
  const scope = $('allow-scope').value;
  $('allow-team-row').classList.toggle('hidden', scope !== 'team');
  $('allow-rooms').classList.toggle('hidden', scope !== 'rooms');
}
async function loadAllowlist() {
  const info = await api('/api/v1/allowlist');
  S.allowInfo = info;
  paintAllowForm(info);
  const table = $('allow-table'); table.replaceChildren();
  const hr = el('tr'); ['term', 'scope', 'category', 'by', 'time', ''].forEach(k => hr.append(el('th', null, k ? t(k) : ''))); table.append(hr);
  if (!info.terms.length) { const tr = el('tr'); const td = el('td', 'empty', t('noTerms')); td.colSpan = 6; tr.append(td); table.append(tr); }
  for (const x of info.terms) {
    const tr = el('tr'); tr.dataset.id = x.id;
    const act = cell('');
    if (x.can_remove) act.append(button(t('remove'), null, () => removeAllow(x), 'danger'));
    tr.append(cell('term', userText(x.term, 'term'), 'wrap'), cell('scope', scopeText(x)), cell('category', categoryLabel(x.category) || '–'),
      cell('by', userText(x.by, 'nick')), cell('time', fmtDateTime(x.ts)), act);
    table.append(tr);
  }
}
async function submitAllow(e) {
  e.preventDefault();
  const err = $('allow-error'); err.textContent = '';
  const scope = $('allow-scope').value;
  const body = {term: $('allow-term').value, category: $('allow-category').value, scope};
  if (scope === 'team') body.team = $('allow-team').value;
  if (scope === 'rooms') body.rooms = [...$('allow-rooms').querySelectorAll('input:checked')].map(c => c.value);
  try {
    await api('/api/v1/allowlist', {method: 'POST', body: JSON.stringify(body)});
    toast(t('allowAdded')); $('allow-term').value = ''; $('allow-category').value = '';
    await loadAllowlist();
  } catch (x) { err.textContent = `${t('failed')}: ${x.message}`; }
}
async function removeAllow(x) {
  if (!window.confirm(`${t('removeConfirm')} ${x.term}`)) return;
  try { await api(`/api/v1/allowlist/${encodeURIComponent(x.id)}`, {method: 'DELETE'}); toast(t('allowRemoved')); }
  catch (e) { toast(`${t('failed')}: ${e.message}`); }
  await loadAllowlist();
}
