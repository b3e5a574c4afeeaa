// roomwatch monthly evaluation: per person, the sums of the month's broadcast reviews.
'use strict';
(function () {
  const T = {
    zh: {title: '月度考评', back: '返回场控台', reviews: '直播复盘', month: '月份', csv: '导出 CSV', lang: 'English',
      person: '人员', name: '姓名', broadcasts: '参与场次', alerts_acked: '确认告警', alerts_resolved: '解决告警',
      ack_median: '确认中位数', ack_p90: '确认 P90', resolve_median: '解决中位数', resolve_p90: '解决 P90',
      acks_in_time_share: '按时确认率', comments_handled: '处理评论', questions_answered: '回答提问',
      questions_in_time: '及时回答', answered_in_time_share: '及时回答率', answer_median: '回答中位数',
      questions_dismissed: '标记非提问', count: n => `本月 ${n} 场复盘`, none: '本月暂无复盘',
      note: '数据来自本月每场直播的复盘：参与场次为在该场直播中有操作（确认/解决告警、处理评论、回答提问、开播/下播）的场次。'},
    en: {title: 'Monthly evaluation', back: 'Back to console', reviews: 'Reviews', month: 'Month', csv: 'Export CSV', lang: '中文',
      person: 'Person', name: 'Name', broadcasts: 'Broadcasts', alerts_acked: 'Alerts acked', alerts_resolved: 'Alerts resolved',
      ack_median: 'Median ack', ack_p90: 'Ack p90', resolve_median: 'Median resolve', resolve_p90: 'Resolve p90',
      acks_in_time_share: 'Acked in time', comments_handled: 'Comments handled', questions_answered: 'Questions answered',
      questions_in_time: 'Answered in time', answered_in_time_share: 'Share in time', answer_median: 'Median answer',
      questions_dismissed: 'Not a question', count: n => `${n} review(s) this month`, none: 'No reviews this month',
      note: 'Summed from the month\'s broadcast reviews: a broadcast counts for a person who acted in it (acked or resolved an alert, handled a comment, answered a question, started or ended it).'},
  };
  let L = localStorage.getItem('rw_lang') || 'zh';
  const t = k => (T[L] && T[L][k] !== undefined) ? T[L][k] : (T.zh[k] !== undefined ? T.zh[k] : k);
  const COLS = ['person', 'name', 'broadcasts', 'alerts_acked', 'alerts_resolved', 'ack_median', 'ack_p90', 'resolve_median',
    'resolve_p90', 'acks_in_time_share', 'comments_handled', 'questions_answered', 'questions_in_time', 'answered_in_time_share',
    'answer_median', 'questions_dismissed'];
  const fmt = (k, v) => {
    if (v === null || v === undefined || v === '') return '–';
    if (k.endsWith('_share')) return (v * 100).toFixed(1) + '%';
    if (k.endsWith('median') || k.endsWith('p90')) { const s = Math.round(v); return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`; }
    return String(v);
  };
  const $ = id => document.getElementById(id);
  async function load() {
    const month = $('month').value;
    const res = await fetch(`/api/v1/reports/evaluation?month=${encodeURIComponent(month)}`);
    if (res.status === 401) { location.href = '/login'; return; }
    const data = await res.json();
    const table = $('rows'); table.replaceChildren();
    if (!res.ok) { $('count').textContent = data.error; return; }
    const head = document.createElement('tr');
    COLS.forEach(c => { const th = document.createElement('th'); th.textContent = t(c); head.append(th); });
    table.append(head);
    for (const r of data.rows) {
      const tr = document.createElement('tr');
      COLS.forEach(c => { const td = document.createElement('td'); td.textContent = fmt(c, r[c]); tr.append(td); });
      table.append(tr);
    }
    $('count').textContent = data.reviews.length ? t('count')(data.reviews.length) : t('none');
    $('csv').href = `/api/v1/reports/evaluation?month=${encodeURIComponent(month)}&format=csv`;
  }
  document.addEventListener('DOMContentLoaded', () => {
    document.querySelectorAll('[data-t]').forEach(n => { n.textContent = t(n.dataset.t); });
    document.title = `roomwatch · ${t('title')}`;
    $('lang').textContent = t('lang');
    $('lang').onclick = e => { e.preventDefault(); localStorage.setItem('rw_lang', L === 'zh' ? 'en' : 'zh'); location.reload(); };
    const p = new URLSearchParams(location.search), d = new Date();
    $('month').value = p.get('month') || `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
    $('month').onchange = load;
    load();
  });
})();
