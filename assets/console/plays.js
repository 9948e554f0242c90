// 播放记录: proof of play per screen, item and day, from the screens' own reports (kept
// for over a year); exported as CSV.
import {h, clear} from './dom.js';
import * as api from './api.js';

async function load(form, box, link) {
  const f = Object.fromEntries(['screen', 'item', 'from', 'until'].map((k) => [k, form.querySelector(`[name="${k}"]`).value.trim()]));
  link.href = '/api/plays.csv?' + new URLSearchParams(Object.entries(f).filter(([, v]) => v)).toString();
  const r = await api.get('/api/plays', f);
  if (!r.ok) return;
  clear(box, r.data.length === 0 ? h('p', {}, '没有记录。') : h('table', {id: 'plays-table'},
    h('thead', {}, h('tr', {}, ['日期', '屏幕', '内容', '播放次数（页）', '播放时长'].map((x) => h('th', {}, x)))),
    h('tbody', {}, r.data.map((p) => h('tr', {'data-item': p.item},
      h('td', {}, p.day), h('td', {}, p.screen), h('td', {}, p.name, p.name !== p.item ? h('span', {class: 'muted'}, ` （${p.item}）`) : null), h('td', {class: 'num'}, p.plays),
      h('td', {class: 'num'}, p.seconds >= 60 ? `${Math.round(p.seconds / 60)} 分钟` : `${Math.round(p.seconds)} 秒`))))));
}

export default async function playsPage(main) {
  const box = h('div', {id: 'plays'});
  const link = h('a', {class: 'button', href: '/api/plays.csv', download: 'plays.csv'}, '导出 CSV');
  const form = h('form', {class: 'row filters', onsubmit: (e) => { e.preventDefault(); load(form, box, link); }},
    h('label', {}, '屏幕 ', h('input', {name: 'screen', class: 'short'})),
    h('label', {}, '内容 ', h('input', {name: 'item', class: 'short'})),
    h('label', {}, '从 ', h('input', {name: 'from', type: 'date'})),
    h('label', {}, '到 ', h('input', {name: 'until', type: 'date'})),
    h('button', {type: 'submit', class: 'big'}, '筛选'), link);
  main.append(h('p', {class: 'muted'}, '每块屏幕每显示一页记一次；屏幕离线时的记录在它重新连上后补报。'), form, box);
  await load(form, box, link);
}
