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
    addAllow: '加入白名单', allowPrompt: '加入白名单的词（可扩展为包含它的正常用语，例如“微信支付”）：', allowAdded: '已加入白名单，词库已重新加载', allowSaved: '已记录白名单（检测器未支持热加载）',
    term: '词', category: '类别', by: '操作人', time: '时间', text: '内容', started: '开始', actor: '操作人',
    done: '操作成功', failed: '操作失败', newCritical: '新的严重告警', lang: 'English', since: '最近 30 天',
    summary: '摘要', state: '状态', escalation: '升级级别', unassigned: '（无人确认）',
    supervisor: '主管', admin: '管理员',
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
    addAllow: 'Add to allowlist', allowPrompt: 'Term to allowlist (you may widen it to the ordinary phrase around it):', allowAdded: 'Added to the allowlist; lexicon reloaded', allowSaved: 'Allowlist entry saved (detector has no live reload)',
    term: 'Term', category: 'Category', by: 'By', time: 'Time', text: 'Text', started: 'Started', actor: 'By',
    done: 'Done', failed: 'Failed', newCritical: 'New critical alert', lang: '中文', since: 'Last 30 days',
    summary: 'Summary', state: 'State', escalation: 'Escalation level', unassigned: '(nobody acked)',
    supervisor: 'Supervisor', admin: 'Admin',
  },
};
let LANG = localStorage.getItem('rw_lang') || 'zh';
function t(key) { return (TEXTS[LANG] && TEXTS[LANG][key]) || TEXTS.zh[key] || key; }
function setLang(lang) { LANG = lang; localStorage.setItem('rw_lang', lang); document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'; }
function applyTexts(root) {
  (root || document).querySelectorAll('[data-t]').forEach(el => { el.textContent = t(el.dataset.t); });
}
setLang(LANG);
