// roomwatch console: the "unanswered questions" panel of a room, oldest first, with one-click
// "answered" / "not a question". Self-contained: the console page only loads this file.
'use strict';
(function () {
  const T = {
    zh: {title: '未回复提问', oldest: '最久等待', none: '暂无未回复的提问', answered: '已回复', not_question: '非提问',
      reviews: '直播复盘', evaluation: '月度考评', over: '已超时', failed: '操作失败',
      price: '价格', size: '尺码', stock: '库存', shipping: '发货', after_sales: '售后', usage: '用法', product: '商品', discount: '优惠'},
    en: {title: 'Unanswered questions', oldest: 'oldest waits', none: 'No unanswered questions', answered: 'Answered',
      not_question: 'Not a question', reviews: 'Reviews', evaluation: 'Evaluation', over: 'overdue', failed: 'Action failed',
      price: 'price', size: 'size', stock: 'stock', shipping: 'shipping', after_sales: 'after-sales', usage: 'usage', product: 'product', discount: 'discount'},
  };
  const L = () => (typeof LANG !== 'undefined' ? LANG : localStorage.getItem('rw_lang')) || 'zh';
  const t = k => (T[L()] || T.zh)[k] || k;
  const S = {room: '', rooms: [], data: null, timer: null};
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  const mmss = s => { s = Math.max(0, Math.round(s)); return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`; };
  async function call(path, opts) {
    const r = await fetch(path, Object.assign({headers: {'Content-Type': 'application/json'}}, opts || {}));
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(body.error || r.statusText);
    return body;
  }
  function panel() {
    let box = document.getElementById('questions');
    if (box) return box;
    box = el('section', 'questions'); box.id = 'questions'; box.setAttribute('aria-label', 'questions');
    (document.getElementById('tab-alerts') || document.body).append(box);
    return box;
  }
  function draw() {
    const box = panel(), d = S.data; box.replaceChildren();
    const head = el('div', 'qhead');
    const h = el('h3', null, t('title')); head.append(h);
    const sel = el('select'); sel.id = 'q-room';
    for (const r of S.rooms) { const o = el('option', null, r.name || r.id); o.value = r.id; o.selected = r.id === S.room; sel.append(o); }
    sel.onchange = () => { S.room = sel.value; refresh(); };
    head.append(sel);
    if (d) {
      const n = el('span', 'qcount' + (d.open ? ' has' : ''), String(d.open)); head.append(n);
      if (d.open) head.append(el('span', 'muted', `${t('oldest')} ${mmss(d.oldest_seconds)}`));
    }
    const links = el('span', 'qlinks');
    const a1 = el('a', null, t('reviews')); a1.href = `/review.html${S.room ? '?room=' + encodeURIComponent(S.room) : ''}`;
    const a2 = el('a', null, t('evaluation')); a2.href = '/evaluation.html';
    links.append(a1, a2); head.append(links);
    box.append(head);
    const list = el('ul', 'qlist');
    if (d && !d.questions.length) list.append(el('li', 'muted', t('none')));
    for (const q of (d ? d.questions : [])) {
      const wait = d.now - q.ts, li = el('li', 'q' + (wait > d.answer_within ? ' late' : ''));
      li.append(el('span', 'qwait', mmss(wait)), el('span', 'qtopic', t(q.topic)), el('span', 'qwho', q.nickname || q.user || ''), el('span', 'qtext', q.text));
      const ok = el('button', 'qok', t('answered')); ok.dataset.qid = q.id; ok.onclick = () => mark(q.id, 'answered');
      const no = el('button', 'ghost qno', t('not_question')); no.dataset.qid = q.id; no.onclick = () => mark(q.id, 'not_question');
      li.append(ok, no); list.append(li);
    }
    box.append(list);
  }
  async function mark(qid, how) {
    try {
      await call(`/api/v1/rooms/${encodeURIComponent(S.room)}/questions/${encodeURIComponent(qid)}/${how}`, {method: 'POST', body: '{}'});
    } catch (err) { if (typeof toast === 'function') toast(`${t('failed')}: ${err.message}`); }
    refresh();
  }
  async function refresh() {
    try {
      if (!S.rooms.length) { S.rooms = (await call('/api/v1/rooms')).rooms; S.room = S.room || (S.rooms[0] && S.rooms[0].id) || ''; }
      S.data = S.room ? await call(`/api/v1/rooms/${encodeURIComponent(S.room)}/questions`) : null;
    } catch (err) { S.data = null; }
    draw();
  }
  document.addEventListener('DOMContentLoaded', () => { refresh(); S.timer = setInterval(refresh, 3000); });
  window.RWQuestions = {refresh};
})();
