// 预警: the official warnings the console took in (newest first, each with its level's colour,
// where it went or why not, and 发布 / 不发布 for one waiting for approval), where they come
// from (each feed's last check and what to do about a problem), and the rules that map a
// region to screens (warning_rules.js). The list and the feeds are drawn again every 5 s;
// the rules only at first and after a save (an admin typing is never interrupted).
import {h, clear, toast, shortTime} from './dom.js';
import * as api from './api.js';
import {ask} from './dialog.js';
import {rulesForm} from './warning_rules.js';

const NO_RULES = '还没有设置发布规则：预警不会显示在任何屏幕上。请管理员在下面添加本地区的地区代码。';

function levelChip(m) {
  // A 解除 (Cancel) lifts a warning: a grey chip, never a level's colour (it is no new warning).
  if (m.type === 'Cancel') return h('span', {class: 'level-chip level-none', 'data-level': 'cancel'}, '解除预警');
  const level = m.level || 'none';
  return h('span', {class: `level-chip level-${level}`, 'data-level': level}, m.level_words ? `${m.level_words}预警` : '未标级别');
}

function scopeNames(m) {
  return (m.scopes || []).map((s) => s.name).join('、');
}

// Where the message stands, in words: 已发布到：一楼大厅、二楼… / 等待审核 / 已解除 / 已过期 /
// 未发布：原因 / 格式错误：原因.
function stateWords(m) {
  const because = m.reason ? `：${m.reason}` : '';
  switch (m.state) {
    case 'published': return `已发布到：${scopeNames(m) || '（没有屏幕）'}`;
    case 'waiting': return scopeNames(m) ? `等待审核（批准后发布到：${scopeNames(m)}）` : '等待审核';
    case 'cancelled': return '已解除（已从屏幕上撤下）';
    case 'replaced': return '已更新（屏幕上显示的是后来的更新）';
    case 'expired': return '已过期';
    case 'ignored': return `未发布${because}`;
    case 'refused': return `格式错误${because}`;
    case 'rejected': return `不发布（审核）${because}`;
    default: return `${m.state_words || ''}${because}`;
  }
}

async function decide(m, approve, reload) {
  const title = m.headline || m.event || '这条预警';
  if (approve) {
    const ok = await ask({title: '发布这条预警？', ok: '发布',
      text: [`“${title}”`, `会马上发布到：${scopeNames(m) || '规则所定的屏幕'}。`]});
    if (!ok) return;
    const x = await api.post('/api/warnings/approve', {id: m.id});
    toast(x.ok ? x.data.message : x.data.error, !x.ok);
  } else {
    const v = await ask({title: '不发布这条预警？', ok: '不发布', danger: true,
      text: [`“${title}”`, '不会显示在任何屏幕上。请写明原因，会记在操作日志里。'],
      fields: [{name: 'reason', label: '原因', type: 'textarea', required: true}]});
    if (!v) return;
    const x = await api.post('/api/warnings/reject', {id: m.id, reason: v.reason.trim()});
    toast(x.ok ? x.data.message : x.data.error, !x.ok);
  }
  document.dispatchEvent(new Event('kiosk:waiting'));
  reload();
}

// 12月7日 06:10, with the year when it is not this one (有效期到 2099年12月31日 23:59).
function when(local) {
  const year = /^(\d{4})-/.exec(local || '');
  return year && +year[1] !== new Date().getFullYear() ? `${year[1]}年${shortTime(local)}` : shortTime(local);
}

function times(m) {
  return [m.sent ? `发布于 ${when(m.sent)}` : '', m.received ? `收到于 ${when(m.received)}` : '',
    m.expires ? `有效期到 ${when(m.expires)}` : ''].filter((x) => x).join('，');
}

function messageCard(m, reload) {
  const bad = m.state === 'refused';
  return h('article', {class: `card warning state-${m.state}`, 'data-state': m.state, 'data-id': m.id},
    h('h3', {}, bad ? null : levelChip(m), h('span', {class: 'headline'}, m.headline || m.event || (bad ? '无法识别的消息（未发布）' : '（没有标题）'))),
    bad ? null : h('p', {class: 'facts'},
      [m.sender_name || m.sender ? `发布单位：${m.sender_name || m.sender}` : '', m.areas ? `地区：${m.areas}` : '',
        m.type_words ? `类型：${m.type_words}` : '', m.status_words ? `状态：${m.status_words}` : ''].filter((x) => x).join('　')),
    h('p', {class: 'muted'}, [times(m), m.source_words ? `来自${m.source_words}` : ''].filter((x) => x).join('，')),
    h('p', {class: `state-line state-${m.state}`, 'data-role': 'state'}, stateWords(m)),
    m.description ? h('details', {}, h('summary', {}, '预警内容'), h('p', {class: 'description'}, m.description)) : null,
    m.state === 'waiting' && m.can_decide ? h('div', {class: 'actions'},
      h('button', {type: 'button', class: 'big primary', 'data-action': 'approve', onclick: () => decide(m, true, reload)}, '发布'),
      h('button', {type: 'button', class: 'big danger', 'data-action': 'reject', onclick: () => decide(m, false, reload)}, '不发布'))
      : null);
}

function feedsView(d) {
  const feeds = d.feeds || [];
  if (!feeds.length && !d.drop_folder) {
    return h('p', {}, '还没有设置预警来源：控制台不会收到预警。请信息科在控制台的设置文件 console.json 的 warnings 里添加预警发布中心的地址或接收文件夹（见管理员文档）。');
  }
  return [
    feeds.length ? h('table', {id: 'warning-feeds-table'},
      h('thead', {}, h('tr', {}, ['来源', '多久检查一次', '上次检查', '上次成功', '情况'].map((x) => h('th', {}, x)))),
      h('tbody', {}, feeds.map((f) => h('tr', {class: f.problem ? 'bad' : 'ok'},
        h('td', {}, h('strong', {}, f.name), h('br'), h('span', {class: 'muted url'}, f.url)),
        h('td', {class: 'nowrap'}, f.every_seconds >= 60 && f.every_seconds % 60 === 0 ? `每 ${f.every_seconds / 60} 分钟` : `每 ${f.every_seconds} 秒`),
        h('td', {class: 'nowrap'}, f.last_poll ? shortTime(f.last_poll) : '还没有检查过'),
        h('td', {class: 'nowrap'}, f.last_ok ? shortTime(f.last_ok) : '还没有成功过'),
        h('td', {}, f.problem ? h('span', {class: 'feed-problem'}, f.problem) : `正常${f.taken ? `，已收到 ${f.taken} 条` : ''}`)))))
      : h('p', {}, '没有设置网上的预警来源。'),
    d.drop_folder ? h('p', {id: 'warning-drop-folder'}, '接收文件夹：', h('code', {}, d.drop_folder.path),
      d.drop_folder.problem ? h('span', {class: 'feed-problem'}, `　${d.drop_folder.problem}`)
        : '　预警平台把消息文件（.xml）放进这个文件夹，控制台几秒内收取。') : null,
  ];
}

function noRules(d) {
  return !d.rules || !(d.rules.regions || []).some((r) => r.code && (r.scopes || []).length);
}

async function load(parts, scopes, withRules) {
  const r = await api.get('/api/warnings', {}, {background: !withRules});
  if (!r.ok) {
    clear(parts.list, h('p', {class: 'error'}, r.data.error || '预警页面暂时打不开，请稍后刷新'));
    return;
  }
  const d = r.data;
  const reload = () => load(parts, scopes, false);
  const messages = d.messages || [];
  clear(parts.banner, noRules(d) ? h('p', {class: 'hint', id: 'warning-no-rules'}, NO_RULES) : null);
  // A card whose 预警内容 the clerk opened stays open when drawn again.
  const open = new Set([...parts.list.querySelectorAll('article.warning details[open]')].map((x) => x.closest('article').dataset.id));
  clear(parts.list, h('h2', {}, '收到的预警',
    d.waiting ? h('span', {class: 'badge accent'}, `${d.waiting} 条等待审核`) : null),
  messages.length ? messages.map((m) => {
    const card = messageCard(m, reload);
    if (open.has(String(m.id))) { const x = card.querySelector('details'); if (x) x.open = true; }
    return card;
  }) : h('p', {}, '还没有收到预警。'));
  clear(parts.feeds, h('h2', {}, '预警来源'), feedsView(d));
  if (withRules) rulesForm(parts.rules, d, scopes, () => load(parts, scopes, true));
}

export default async function warningsPage(main) {
  const s = await api.get('/api/scopes');
  const scopes = s.ok ? s.data : [{scope: 'all', label: '全部屏幕'}];
  const parts = {
    banner: h('div', {id: 'warning-banner', 'aria-live': 'polite'}),
    list: h('section', {id: 'warning-list'}),
    feeds: h('section', {class: 'card', id: 'warning-feeds'}),
    rules: h('section', {id: 'warning-rules'}),
  };
  main.append(parts.banner, parts.list, parts.feeds, parts.rules);
  await load(parts, scopes, true);
  setInterval(() => load(parts, scopes, false), 5000);
}
