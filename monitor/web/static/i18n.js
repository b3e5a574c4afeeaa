// Console texts: Simplified Chinese by default, English on request (stored in localStorage).
const TEXTS = {
  zh: {
    title: 'roomwatch 场控台', login: '登录', user: '账号', password: '密码', loginFailed: '账号或密码错误',
    tooMany: '登录失败次数过多，请稍后再试', logout: '退出', connecting: '连接中…', connected: '实时',
    reconnecting: '重连中…', rooms: '直播间', viewers: '在线', commentRate: '评论/分', negRatio: '负面占比',
    openAlerts: '未关闭告警', alerts: '告警', reports: '响应报表', feedback: '误报反馈', allRooms: '全部直播间',
    allSeverities: '全部级别', critical: '严重', warning: '警告', info: '提示', firing: '待确认',
    acknowledged: '处理中', resolved: '已解决', ackIn: '确认剩余', overdue: '已超时', steps: '处置步骤',
    comments: '违规/负面评论', noAlerts: '暂无告警，一切正常', noComments: '没有标记的评论',
    ack: '确认', resolve: '解决', deleted: '已删除', muted: '已禁言', replied: '已回复',
    false_positive: '误报', handledAs: '已处理：', keys: '快捷键', keyHelp: 'J/K 选择告警 · N 下一条评论 · A 确认 · D 已删除 · M 已禁言 · R 已回复 · F 误报 · X 解决',
    notify: '开启桌面通知', notifyOn: '通知已开启', recentFlags: '最新标记评论', byController: '按场控',
    byRoom: '按直播间', exportCsv: '导出 CSV', controller: '场控', room: '直播间', count: '告警数',
    acked: '已确认', resolvedN: '已解决', ackMedian: '确认中位数', ackP90: '确认 P90', resMedian: '解决中位数',
    resP90: '解决 P90', within: '按时确认率', escalated: '升级次数', handled: '处理评论', handleMedian: '评论处理中位数',
    addAllow: '加入白名单', allowPrompt: '可把命中的词扩展为包含它的正常用语（例如“微信支付”）。', allowAdded: '已加入白名单，立即生效',
    term: '词', category: '类别', by: '操作人', time: '时间', text: '内容', started: '开始', actor: '操作人',
    done: '操作成功', failed: '操作失败', newCritical: '新的严重告警', lang: 'English', since: '最近 30 天',
    summary: '摘要', state: '状态', escalation: '升级级别', unassigned: '（无人确认）',
    supervisor: '主管', admin: '管理员',
    allowlist: '白名单', backToList: '← 返回列表', hiddenChar: '隐藏的控制字符', reopened: '重开',
    groupUser: '用户', groupRoom: '整个直播间', commentsUnit: '条评论', resolvedSection: '已解决',
    timeline: '时间线', tl_created: '告警产生', tl_reopened: '再次触发（重开）', tl_acknowledged: '已确认',
    tl_unacknowledged: '取消确认', tl_escalated: '已升级通知', tl_resolved: '已解决', tl_condition_clear: '触发条件已消失',
    tl_condition_again: '触发条件再次出现', tl_comment_deleted: '评论已删除', tl_comment_muted: '用户已禁言',
    tl_comment_replied: '评论已回复', tl_comment_false_positive: '评论标为误报', tl_grouped: '归入', tl_until: '至',
    nextAlert: '下一条告警', alertMissing: '告警不存在或无权查看', scope: '适用范围', team: '团队', add: '添加',
    allowHelp: '白名单中的词出现在评论里时，不再标记其中的命中。', exportList: '导出词表', scopeTeam: '团队',
    scopeRooms: '直播间', scopeGlobal: '全部直播间', noTerms: '还没有白名单词', remove: '移除',
    removeConfirm: '从白名单移除：', allowRemoved: '已从白名单移除', showAll: '展开全文', showLess: '收起',
  },
  en: {
    title: 'roomwatch console', login: 'Log in', user: 'User', password: 'Password', loginFailed: 'Wrong user or password',
    tooMany: 'Too many failed logins, try again later', logout: 'Log out', connecting: 'connecting…', connected: 'live',
    reconnecting: 'reconnecting…', rooms: 'Rooms', viewers: 'Viewers', commentRate: 'Comments/min', negRatio: 'Negative',
    openAlerts: 'Open alerts', alerts: 'Alerts', reports: 'Response report', feedback: 'False positives', allRooms: 'All rooms',
    allSeverities: 'All severities', critical: 'Critical', warning: 'Warning', info: 'Info', firing: 'Firing',
    acknowledged: 'Acknowledged', resolved: 'Resolved', ackIn: 'Ack within', overdue: 'Overdue', steps: 'Plan steps',
    comments: 'Flagged comments', noAlerts: 'No alerts: all quiet', noComments: 'No flagged comments',
    ack: 'Acknowledge', resolve: 'Resolve', deleted: 'Deleted', muted: 'Muted', replied: 'Replied',
    false_positive: 'False positive', handledAs: 'Handled: ', keys: 'Keys', keyHelp: 'J/K select alert · N next comment · A acknowledge · D deleted · M muted · R replied · F false positive · X resolve',
    notify: 'Enable notifications', notifyOn: 'Notifications on', recentFlags: 'Latest flagged comments', byController: 'By controller',
    byRoom: 'By room', exportCsv: 'Export CSV', controller: 'Controller', room: 'Room', count: 'Alerts',
    acked: 'Acked', resolvedN: 'Resolved', ackMedian: 'Ack median', ackP90: 'Ack p90', resMedian: 'Resolve median',
    resP90: 'Resolve p90', within: 'Acked in time', escalated: 'Escalated', handled: 'Comments handled', handleMedian: 'Handle median',
    addAllow: 'Add to allowlist', allowPrompt: 'You may widen the matched term to the ordinary phrase around it.', allowAdded: 'Added to the allowlist; applies at once',
    term: 'Term', category: 'Category', by: 'By', time: 'Time', text: 'Text', started: 'Started', actor: 'By',
    done: 'Done', failed: 'Failed', newCritical: 'New critical alert', lang: '中文', since: 'Last 30 days',
    summary: 'Summary', state: 'State', escalation: 'Escalation level', unassigned: '(nobody acked)',
    supervisor: 'Supervisor', admin: 'Admin',
    allowlist: 'Allowlist', backToList: '← Back to the list', hiddenChar: 'hidden control character', reopened: 'Reopened',
    groupUser: 'User', groupRoom: 'Whole room', commentsUnit: 'comments', resolvedSection: 'Resolved',
    timeline: 'Timeline', tl_created: 'Alert raised', tl_reopened: 'Fired again (reopened)', tl_acknowledged: 'Acknowledged',
    tl_unacknowledged: 'Acknowledgement withdrawn', tl_escalated: 'Escalated', tl_resolved: 'Resolved', tl_condition_clear: 'Condition cleared',
    tl_condition_again: 'Condition back', tl_comment_deleted: 'Comment deleted', tl_comment_muted: 'User muted',
    tl_comment_replied: 'Comment replied to', tl_comment_false_positive: 'Comment marked false positive', tl_grouped: 'Grouped', tl_until: 'until',
    nextAlert: 'Next alert', alertMissing: 'No such alert, or not one of yours', scope: 'Applies to', team: 'Team', add: 'Add',
    allowHelp: 'A hit lying inside an allowlisted term is no longer flagged.', exportList: 'Export list', scopeTeam: 'Team',
    scopeRooms: 'Rooms', scopeGlobal: 'All rooms', noTerms: 'No allowlist terms yet', remove: 'Remove',
    removeConfirm: 'Remove from the allowlist:', allowRemoved: 'Removed from the allowlist', showAll: 'Show all', showLess: 'Show less',
  },
};
let LANG = localStorage.getItem('rw_lang') || 'zh';
function t(key) { return (TEXTS[LANG] && TEXTS[LANG][key]) || TEXTS.zh[key] || key; }
function setLang(lang) { LANG = lang; localStorage.setItem('rw_lang', lang); document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'; }
function applyTexts(root) {
  (root || document).querySelectorAll('[data-t]').forEach(el => { el.textContent = t(el.dataset.t); });
}
setLang(LANG);

// Names of signals, metrics and categories, and why an alert fired (its summary_data),
// rendered per language. alerts/summary.py holds the same tables and sentences for the
// notifications; tests/console/test_console_i18n.py keeps the two in step.
const LABELS = {
  zh: {
    signal: {sensitive: '敏感评论', negative: '负面评论', comment: '评论', activity: '互动事件', metric: '指标读数', stream: '推流状态', any: '事件'},
    metric: {online_viewers: '在线人数', likes_total: '点赞总数', comment_rate: '评论速率', gmv: '成交额', followers: '粉丝数', gifts_value: '礼物价值',
      questions_open: '未回复提问数', questions_oldest_open_seconds: '最久未回复提问等待秒数'},
    category: {contact_diversion: '站外导流', fraud: '诈骗/刷单/赌博', abuse: '辱骂', prohibited: '违禁品', ad_law: '广告法极限词',
      fake: '假货', refund: '退款', quality: '质量问题', delivery: '物流发货', price: '价格', attitude: '服务态度', scam: '被骗', general: '一般负面'},
    op: {'<': '低于', '<=': '不高于', '>': '高于', '>=': '不低于', '==': '等于', '!=': '不等于'},
    stream: {'-1': '已下播', 0: '中断', 1: '正常'},
  },
  en: {
    signal: {sensitive: 'sensitive comments', negative: 'negative comments', comment: 'comments', activity: 'room events', metric: 'metric readings', stream: 'stream updates', any: 'events'},
    metric: {online_viewers: 'online viewers', likes_total: 'total likes', comment_rate: 'comment rate', gmv: 'GMV', followers: 'followers', gifts_value: 'gift value',
      questions_open: 'unanswered questions', questions_oldest_open_seconds: 'seconds the oldest unanswered question waited'},
    category: {contact_diversion: 'contact diversion', fraud: 'fraud/fake orders/gambling', abuse: 'abuse', prohibited: 'prohibited goods', ad_law: 'advertising-law terms',
      fake: 'fake goods', refund: 'refund', quality: 'quality', delivery: 'delivery', price: 'price', attitude: 'service attitude', scam: 'scam', general: 'general complaint'},
    op: {'<': 'below', '<=': 'at most', '>': 'above', '>=': 'at least', '==': 'at', '!=': 'not'},
    stream: {'-1': 'ended', 0: 'down', 1: 'live'},
  },
};
// Escalation steps in an alert's history (HistoryEntry.code and .args; alerts/escalation.py's
// STEP_CODES). Values are numbers and a console person's id; the result is shown as text.
const STEP_TEXT = {
  zh: {
    step: a => (a.step === 'repeat' ? `第 ${num(a.n)} 次重复提醒` : `第 ${num(a.n)} 级`),
    at_once: a => `第 ${num(a.level)} 级：${t(String(a.severity))}预案，立即通知`,
    not_acked: a => `超过 ${num(a.waited)} 秒未确认`,
    not_resolved: a => `${a.by} 已确认 ${num(a.since)} 秒，仍未处理`,
    late: a => `（晚了 ${num(a.late)} 秒送达）`,
  },
  en: {
    step: a => (a.step === 'repeat' ? `repeat ${num(a.n)}` : `level ${num(a.n)}`),
    at_once: a => `level ${num(a.level)}: ${String(a.severity)} plan, notify at once`,
    not_acked: a => `not acknowledged for ${num(a.waited)}s`,
    not_resolved: a => `acknowledged by ${a.by} ${num(a.since)}s ago, not resolved`,
    late: a => ` (sent ${num(a.late)}s late)`,
  },
};
// The text of a history entry's detail: worded from its code when the console knows it.
function historyDetail(h) {
  const T = STEP_TEXT[LANG] || STEP_TEXT.zh, a = h.args || {};
  if (!h.code || !Object.prototype.hasOwnProperty.call(T, h.code)) return h.detail || '';
  if (h.code === 'at_once') return T.at_once(a);
  const sep = LANG === 'zh' ? '：' : ': ';
  return T.step(a) + sep + T[h.code](a) + (a.late ? T.late(a) : '');
}
const ZH_UNIT = {sensitive: '条', negative: '条', comment: '条'};  // other events count in 次
const REQUIRED = {
  count: ['signal', 'n', 'window', 'min'], ratio: ['signal', 'of', 'n', 'total', 'pct', 'window', 'min_pct'],
  rate: ['signal', 'rate', 'baseline', 'factor', 'min_factor'], drop: ['metric', 'peak', 'last', 'pct', 'window'],
  threshold: ['op', 'threshold', 'for'], absence: ['signal', 'for', 'min'], all: ['of'], any: ['of'],
};
function label(table, id, lang) {
  const names = LABELS[lang || LANG][table]; id = String(id);
  return Object.prototype.hasOwnProperty.call(names, id) ? names[id] : id;
}
function categoryLabel(id, lang) { return id ? label('category', id, lang) : ''; }
function num(x) { return String(Number(x)); }
function unitZh(signal) { return ZH_UNIT[signal] || '次'; }
function catList(d, L) {
  const cats = (d.categories || []).map(c => categoryLabel(String(c), L));
  if (!cats.length) return '';
  return L === 'zh' ? `（${cats.join('、')}）` : ` (${cats.join(', ')})`;
}
const DESCRIBE = {
  count(d, L) {
    const what = label('signal', d.signal, L), cats = catList(d, L);
    if (L === 'zh') { const u = unitZh(d.signal); return `${num(d.window)} 秒内 ${num(d.n)} ${u}${what}${cats}，阈值 ${num(d.min)} ${u}`; }
    return `${num(d.n)} ${what}${cats} in ${num(d.window)}s (threshold ${num(d.min)})`;
  },
  ratio(d, L) {
    const what = label('signal', d.signal, L), cats = catList(d, L), of = label('signal', d.of, L);
    if (L === 'zh') return `${num(d.window)} 秒内${what}${cats} ${num(d.n)} ${unitZh(d.signal)}，占${of} ${num(d.total)} ${unitZh(d.of)}的 ${num(d.pct)}%，阈值 ${num(d.min_pct)}%`;
    return `${num(d.n)} ${what}${cats} of ${num(d.total)} ${of} (${num(d.pct)}%) in ${num(d.window)}s (threshold ${num(d.min_pct)}%)`;
  },
  rate(d, L) {
    const what = label('signal', d.signal, L), cats = catList(d, L);
    if (L === 'zh') { const u = unitZh(d.signal); return `${what}${cats}速率 ${num(d.rate)} ${u}/秒，为常态 ${num(d.baseline)} ${u}/秒的 ${num(d.factor)} 倍，阈值 ${num(d.min_factor)} 倍`; }
    return `${what}${cats} at ${num(d.rate)}/s, ${num(d.factor)}x the usual ${num(d.baseline)}/s (threshold ${num(d.min_factor)}x)`;
  },
  drop(d, L) {
    const what = label('metric', d.metric, L);
    if (L === 'zh') return `${what} ${num(d.window)} 秒内从 ${num(d.peak)} 降至 ${num(d.last)}，下降 ${num(d.pct)}%`;
    return `${what} fell from ${num(d.peak)} to ${num(d.last)} within ${num(d.window)}s (-${num(d.pct)}%)`;
  },
  threshold(d, L) {
    const now = d.value === null || d.value === undefined ? '?' : num(d.value);
    if (d.signal === 'stream') {
      const state = label('stream', now, L);
      return L === 'zh' ? `推流状态：${state}，已持续 ${num(d.for)} 秒` : `stream ${state} for ${num(d.for)}s`;
    }
    const what = label('metric', d.metric || '', L), op = label('op', d.op, L);
    if (L === 'zh') return `${what}${op} ${num(d.threshold)}（当前 ${now}），已持续 ${num(d.for)} 秒`;
    return `${what} ${op} ${num(d.threshold)} (now ${now}) for ${num(d.for)}s`;
  },
  absence(d, L) {
    const what = label('signal', d.signal, L);
    if (L === 'zh') return `已 ${num(d.for)} 秒没有${what}，阈值 ${num(d.min)} 秒`;
    return `no ${what} for ${num(d.for)}s (threshold ${num(d.min)}s)`;
  },
  all: combined, any: combined,
};
function combined(d, L) {
  const parts = d.of.map(p => {
    const text = describe(p, L);
    const nested = p && (p.kind === 'all' || p.kind === 'any') && (p.of || []).length > 1;
    return nested ? (L === 'zh' ? `（${text}）` : `(${text})`) : text;
  });
  if (L === 'zh') return parts.join(d.kind === 'all' ? '；且 ' : '；或 ');
  return parts.join(d.kind === 'all' ? '; and ' : '; or ');
}
// Return why a plan fired as a sentence in a language ('' for a description it cannot read).
function describe(d, lang) {
  const L = lang || LANG;
  if (!d || typeof d !== 'object' || !Object.prototype.hasOwnProperty.call(DESCRIBE, d.kind)) return '';
  if (REQUIRED[d.kind].some(k => d[k] === undefined || d[k] === null)) return '';
  try { return DESCRIBE[d.kind](d, L); } catch (e) { return ''; }
}
// An alert's reason in the reader's language; alerts stored before summary_data show their summary.
function alertSummary(a) { return describe(a.summary_data) || a.summary || ''; }
