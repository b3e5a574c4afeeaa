// roomwatch review (直播复盘): a room's broadcast reviews and one review's charts and tables.
// Runs in /review.html (data from the API) and inside a downloaded review file (window.RW_REVIEW).
'use strict';
(function () {
  const T = {
    zh: {
      title: '直播复盘', reviews: '复盘列表', room: '直播间', allRooms: '全部直播间', started: '开播',
      ended: '下播', duration: '时长', download: '下载复盘文件', none: '暂无复盘', live: '直播中',
      viewersPeak: '在线峰值', viewersAvg: '平均在线', comments: '评论', perMin: '/分钟', likes: '点赞',
      interaction: '互动率', followers: '涨粉', gifts: '礼物', giftValue: '礼物价值（元）', negShare: '负面占比',
      alerts: '告警', questions: '观众提问', answered: '已回答', inTime: '及时回答', missed: '未回答',
      answerMedian: '回答中位数', ackMedian: '确认中位数', resolveMedian: '解决中位数',
      chViewers: '在线人数', chComments: '每分钟评论', chNeg: '负面占比', viewersMax: '最高', viewersAvgS: '平均',
      incidents: '告警处置', plan: '预案', severity: '级别', startedAt: '开始', ackBy: '确认人', ackTime: '确认用时',
      resolvedBy: '解决人', resolveTime: '解决用时', state: '状态', asked: '提问时间', asker: '观众', text: '内容',
      topic: '类别', how: '回答方式', by: '回答人', wait: '等待', complaints: '投诉/违规类别', offenders: '违规用户',
      count: '次数', categories: '类别', back: '返回场控台', evaluation: '月度考评', lang: 'English',
      via_reply: '评论回复', via_console: '场控标记', via_speech: '主播口播', st_answered: '已回答', st_missed: '未回答',
      st_open: '待回答', st_not_question: '非提问', firing: '待确认', acknowledged: '处理中', resolved: '已解决',
      critical: '严重', warning: '警告', info: '提示', system: '系统', notFound: '找不到这场复盘', people: '参与人员',
      t_price: '价格', t_size: '尺码', t_stock: '库存', t_shipping: '发货物流', t_after_sales: '售后', t_usage: '用法',
      t_product: '商品', t_discount: '优惠', time: '时间',
    },
    en: {
      title: 'Broadcast review', reviews: 'Reviews', room: 'Room', allRooms: 'All rooms', started: 'Started',
      ended: 'Ended', duration: 'Duration', download: 'Download review file', none: 'No reviews yet', live: 'live',
      viewersPeak: 'Peak viewers', viewersAvg: 'Average viewers', comments: 'Comments', perMin: '/min', likes: 'Likes',
      interaction: 'Interaction rate', followers: 'Follower growth', gifts: 'Gifts', giftValue: 'Gift value (CNY)',
      negShare: 'Negative share', alerts: 'Alerts', questions: 'Viewer questions', answered: 'Answered',
      inTime: 'Answered in time', missed: 'Unanswered', answerMedian: 'Median answer time', ackMedian: 'Median ack',
      resolveMedian: 'Median resolve', chViewers: 'Online viewers', chComments: 'Comments per minute',
      chNeg: 'Negative share', viewersMax: 'max', viewersAvgS: 'avg', incidents: 'Incidents', plan: 'Plan',
      severity: 'Severity', startedAt: 'Started', ackBy: 'Acked by', ackTime: 'Time to ack', resolvedBy: 'Resolved by',
      resolveTime: 'Time to resolve', state: 'State', asked: 'Asked', asker: 'Viewer', text: 'Text', topic: 'Topic',
      how: 'Answered via', by: 'Answered by', wait: 'Wait', complaints: 'Complaint categories', offenders: 'Offenders',
      count: 'Count', categories: 'Categories', back: 'Back to console', evaluation: 'Monthly evaluation', lang: '中文',
      via_reply: 'reply', via_console: 'marked', via_speech: 'host speech', st_answered: 'answered', st_missed: 'missed',
      st_open: 'open', st_not_question: 'not a question', firing: 'firing', acknowledged: 'acknowledged',
      resolved: 'resolved', critical: 'critical', warning: 'warning', info: 'info', system: 'system',
      notFound: 'Review not found', people: 'People', t_price: 'price', t_size: 'size', t_stock: 'stock',
      t_shipping: 'shipping', t_after_sales: 'after-sales', t_usage: 'usage', t_product: 'product', t_discount: 'discount',
      time: 'Time',
    },
  };
  // Flag categories (config/roomwatch.yaml and the complaint categories), as the console names them.
  const CATEGORY = {
    zh: {contact_diversion: '站外导流', fraud: '诈骗/刷单/赌博', abuse: '辱骂', prohibited: '违禁品', ad_law: '广告法极限词',
      fake: '假货', refund: '退款', quality: '质量问题', delivery: '物流发货', price: '价格', attitude: '服务态度', scam: '被骗',
      general: '一般负面', negative: '负面评论'},
    en: {contact_diversion: 'contact diversion', fraud: 'fraud/fake orders/gambling', abuse: 'abuse', prohibited: 'prohibited goods',
      ad_law: 'advertising-law terms', fake: 'fake goods', refund: 'refund', quality: 'quality', delivery: 'delivery', price: 'price',
      attitude: 'service attitude', scam: 'scam', general: 'general complaint', negative: 'negative'},
  };
  let L = window.RW_LANG || localStorage.getItem('rw_lang') || 'zh';
  const t = k => (T[L] && T[L][k]) || T.zh[k] || k;
  const cat = c => (CATEGORY[L] && CATEGORY[L][c]) || c;
  const charts = [];

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  const num = (v, d) => (v === null || v === undefined) ? '–' : Number(v).toLocaleString(L === 'zh' ? 'zh-CN' : 'en-US', {maximumFractionDigits: d === undefined ? 0 : d});
  const pct = v => (v === null || v === undefined) ? '–' : (v * 100).toFixed(1) + '%';
  function dur(s) {
    if (s === null || s === undefined) return '–';
    s = Math.max(0, Math.round(s)); const h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), r = s % 60;
    return h ? `${h}h${String(m).padStart(2, '0')}m` : `${m}:${String(r).padStart(2, '0')}`;
  }
  const when = ts => new Date(ts * 1000).toLocaleString(L === 'zh' ? 'zh-CN' : 'en-GB', {hour12: false, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit'});
  const hhmm = ts => new Date(ts * 1000).toLocaleTimeString(L === 'zh' ? 'zh-CN' : 'en-GB', {hour12: false, hour: '2-digit', minute: '2-digit'});
  const clock = ts => new Date(ts * 1000).toLocaleTimeString(L === 'zh' ? 'zh-CN' : 'en-GB', {hour12: false});

  function card(label, value, sub) {
    const c = el('div', 'fig'); c.append(el('span', 'label', label), el('b', null, value));
    if (sub) c.append(el('small', null, sub));
    return c;
  }
  // A table of more than four columns becomes one card a row on a phone (review.css):
  // every cell carries its column's name to show beside the value.
  function table(cols, rows) {
    const wrap = el('div', 'scroll'), tb = el('table', cols.length > 4 ? 'table cards' : 'table');
    const head = el('tr', 'head');
    cols.forEach(c => head.append(el('th', null, c)));
    tb.append(head);
    rows.forEach(r => {
      const tr = el('tr');
      r.forEach((v, i) => { const td = el('td', null, v); td.dataset.label = cols[i]; tr.append(td); });
      tb.append(tr);
    });
    wrap.append(tb);
    return wrap;
  }

  // Vertical marks at the alerts' start times, drawn over the chart's plot area.
  function alertMarks(alerts) {
    return {hooks: {draw: [u => {
      const ctx = u.ctx; ctx.save();
      for (const a of alerts) {
        const x = u.valToPos(a.started_at, 'x', true);
        if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
        ctx.strokeStyle = a.severity === 'critical' ? '#e53935' : '#fb8c00'; ctx.setLineDash([4, 3]); ctx.lineWidth = 1.5;
        ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
      }
      ctx.restore();
    }]}};
  }
  function chart(box, title, series, data, alerts, fmt) {
    const holder = el('div', 'chart'); holder.append(el('h4', null, title)); box.append(holder);
    const width = Math.max(260, holder.clientWidth || box.clientWidth || 600);
    const opts = {
      width, height: 200, plugins: [alertMarks(alerts)],
      scales: {x: {time: true}},
      axes: [{stroke: '#9aa0a6', grid: {stroke: '#2b303b'}, values: (u, vals) => vals.map(hhmm)}, {stroke: '#9aa0a6', grid: {stroke: '#2b303b'}, values: fmt ? (u, vals) => vals.map(fmt) : undefined}],
      series: [{label: t('time'), value: (u, v) => v === null || v === undefined ? '–' : hhmm(v)}, ...series.map(s => Object.assign({spanGaps: true, width: 2}, s))],
      legend: {show: true},
    };
    const plot = new uPlot(opts, data, holder);
    charts.push([plot, holder]);
  }
  function resize() { for (const [plot, holder] of charts) plot.setSize({width: Math.max(260, holder.clientWidth), height: 200}); }

  function render(root, r) {
    root.replaceChildren(); charts.length = 0;
    const f = r.figures, b = r.broadcast, s = r.series;
    const head = el('div', 'rhead');
    head.append(el('h2', null, `${t('title')} · ${r.room_name} (${r.room})`));
    head.append(el('div', 'muted', `${t('started')} ${when(b.started_at)} · ${t('ended')} ${when(b.ended_at)} · ${t('duration')} ${dur(f.duration)}`));
    root.append(head);
    const figs = el('section', 'figs');
    figs.append(
      card(t('viewersPeak'), num(f.viewers_peak)), card(t('viewersAvg'), num(f.viewers_avg)),
      card(t('comments'), num(f.comments), `${num(f.comments_per_min, 1)}${t('perMin')}`),
      card(t('likes'), num(f.likes), `${num(f.likes_per_min, 1)}${t('perMin')}`),
      card(t('interaction'), pct(f.interaction_rate)), card(t('followers'), num(f.follower_growth)),
      card(t('gifts'), num(f.gifts), `${t('giftValue')} ${num(f.gift_value, 2)}`),
      card(t('negShare'), pct(f.negative_share), `${num(f.negative)}`),
      card(t('alerts'), num(f.alerts), `${t('ackMedian')} ${dur(f.ack_median)}`),
      card(t('questions'), num(f.questions), `${t('answered')} ${num(f.questions_answered)} · ${t('missed')} ${num(f.questions_missed)}`),
      card(t('inTime'), pct(f.answered_in_time_share), `${t('answerMedian')} ${dur(f.answer_median)}`),
    );
    root.append(figs);
    const box = el('section', 'charts'); root.append(box);
    const x = s.t;
    chart(box, t('chViewers'), [{label: t('viewersAvgS'), stroke: '#1e88e5'}, {label: t('viewersMax'), stroke: '#90caf9'}], [x, s.viewers_avg, s.viewers_max], r.alerts);
    chart(box, t('chComments'), [{label: t('chComments'), stroke: '#43a047'}], [x, s.comments_per_min], r.alerts);
    chart(box, t('chNeg'), [{label: t('chNeg'), stroke: '#e53935'}], [x, s.negative_share.map(v => v === null ? null : v * 100)], r.alerts, v => v + '%');

    root.append(el('h3', null, t('incidents')));
    root.append(table([t('startedAt'), t('plan'), t('severity'), t('state'), t('ackBy'), t('ackTime'), t('resolvedBy'), t('resolveTime')],
      r.alerts.map(a => [clock(a.started_at), a.plan_name || a.plan_id, t(a.severity), t(a.state), a.acked_by || '–', dur(a.ack_seconds),
        a.resolved_by === 'system' ? t('system') : (a.resolved_by || '–'), dur(a.resolve_seconds)])));
    root.append(el('h3', null, t('questions')));
    root.append(table([t('asked'), t('asker'), t('text'), t('topic'), t('state'), t('how'), t('by'), t('wait')],
      r.questions.map(q => [clock(q.ts), q.nickname || q.user || '–', q.text, t('t_' + q.topic), t('st_' + q.state),
        q.via ? t('via_' + q.via) : '–', q.closed_by || '–', dur(q.answer_seconds)])));
    const two = el('div', 'two');
    const c1 = el('div'), c2 = el('div');
    c1.append(el('h3', null, t('complaints')), table([t('categories'), t('count')], r.complaints.map(c => [cat(c.category), num(c.n)])));
    c2.append(el('h3', null, t('offenders')), table([t('asker'), t('count'), t('categories')],
      r.offenders.map(o => [o.nickname || o.user, num(o.n), Object.keys(o.categories || {}).map(cat).join(', ')])));
    two.append(c1, c2); root.append(two);
    root.append(el('h3', null, t('people')));
    root.append(table([t('by'), t('alerts'), t('answered'), t('inTime')],
      Object.entries(r.people).map(([p, d]) => [p, num(d.alerts_acked), num(d.questions_answered), num(d.questions_in_time)])));
  }

  // --- the console page: the list of reviews and the one chosen ---------------------------
  async function api(path) {
    const res = await fetch(path);
    if (res.status === 401) { location.href = '/login'; throw new Error('login'); }
    const body = await res.json();
    if (!res.ok) throw new Error(body.error || res.statusText);
    return body;
  }
  async function page() {
    const root = document.getElementById('review'), list = document.getElementById('list');
    document.getElementById('lang').textContent = t('lang');
    document.getElementById('lang').onclick = e => { e.preventDefault(); localStorage.setItem('rw_lang', L === 'zh' ? 'en' : 'zh'); location.reload(); };
    document.querySelectorAll('[data-t]').forEach(n => { n.textContent = t(n.dataset.t); });
    document.title = `roomwatch · ${t('title')}`;
    const params = new URLSearchParams(location.search);
    const data = await api('/api/v1/reviews' + (params.get('room') ? `?room=${encodeURIComponent(params.get('room'))}` : ''));
    list.replaceChildren();
    for (const [room, b] of Object.entries(data.live || {})) {
      list.append(el('div', 'item live', `${room} · ${t('live')} · ${t('started')} ${when(b.started_at)}`));
    }
    if (!data.reviews.length) list.append(el('div', 'muted', t('none')));
    for (const e of data.reviews) {
      const a = el('a', 'item' + (e.id === params.get('id') ? ' active' : ''));
      a.href = `/review.html?id=${encodeURIComponent(e.id)}`;
      a.append(el('b', null, e.room_name || e.room), el('span', 'muted', ` ${when(e.started_at)} · ${dur(e.duration)}`));
      list.append(a);
    }
    const id = params.get('id') || (data.reviews[0] && data.reviews[0].id);
    if (!id) return;
    let review;
    try { review = await api(`/api/v1/reviews/${encodeURIComponent(id)}`); } catch (err) { root.replaceChildren(el('p', 'muted', t('notFound'))); return; }
    render(root, review);
    const dl = document.getElementById('download');
    dl.href = `/api/v1/reviews/${encodeURIComponent(id)}/download?lang=${L}`; dl.classList.remove('hidden');
  }

  window.RWReview = {render};
  window.addEventListener('resize', resize);
  document.addEventListener('DOMContentLoaded', () => {
    if (window.RW_REVIEW) render(document.getElementById('review'), window.RW_REVIEW);
    else page().catch(err => { document.getElementById('review').replaceChildren(el('p', 'muted', String(err.message || err))); });
  });
})();
