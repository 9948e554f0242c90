// 播放记录: proof of play per screen, item and day, from the screens' own reports (kept
// for over a year). On top, the question a clerk is asked — 屏幕 × 内容 × 日期 → 完整播放
// 几次 — answered in one sentence; below, the rows (names, not ids) and the CSV.
// 屏幕 and 内容 take words: part of a screen's name (or its id), words of an item's title.
import {h, clear} from './dom.js';
import * as api from './api.js';

function duration(seconds) {
  return seconds >= 60 ? `${Math.round(seconds / 60)} 分钟` : `${Math.round(seconds)} 秒`;
}

async function load(form, box, link) {
  const f = Object.fromEntries(['screen', 'item', 'from', 'until'].map((k) => [k, form.querySelector(`[name="${k}"]`).value.trim()]));
  link.href = '/api/plays.csv?' + new URLSearchParams(Object.entries(f).filter(([, v]) => v)).toString();
  const r = await api.get('/api/plays', f);
  if (!r.ok) return;
  clear(box, r.data.length === 0 ? h('p', {}, '没有记录。可以换个词（标题里的字、屏幕名字里的字）或放宽日期。') : h('table', {id: 'plays-table'},
    h('thead', {}, h('tr', {}, ['日期', '屏幕', '内容'].map((x) => h('th', {}, x)),
      ['完整播放', '显示页数', '播放时长'].map((x) => h('th', {class: 'num'}, x)))),
    h('tbody', {}, r.data.map((p) => h('tr', {'data-item': p.item, 'data-screen': p.screen},
      h('td', {}, p.day), h('td', {}, p.screen_name), h('td', {}, p.name),
      h('td', {class: 'num showings'}, p.showings === null ? '不详' : `${p.showings} 次`),
      h('td', {class: 'num pages'}, `${p.pages} 页`),
      h('td', {class: 'num'}, duration(p.seconds)))))));
}

async function ask(form, out) {
  const q = Object.fromEntries(['screen', 'item', 'day'].map((k) => [k, form.querySelector(`[name="${k}"]`).value.trim()]));
  if (!q.day) return clear(out, h('p', {class: 'error'}, '请选择日期'));
  clear(out, h('p', {class: 'muted'}, '正在查…'));
  const r = await api.get('/api/plays/answer', q);
  if (!r.ok) return clear(out, h('p', {class: 'error'}, r.data.error || '没有查到，请再试一次'));
  clear(out, r.data.sentences.map((s) => h('p', {class: r.data.found ? 'answer' : 'answer none'}, s)));
}

export default async function playsPage(main) {
  const choices = await api.get('/api/plays/choices');
  const c = choices.ok ? choices.data : {screens: [], items: [], yesterday: '', today: ''};
  const answer = h('div', {id: 'plays-answer', 'aria-live': 'polite'});
  const question = h('form', {id: 'plays-question', class: 'card', onsubmit: (e) => { e.preventDefault(); ask(question, answer); }},
    h('h2', {}, '查一查：某块屏幕某天播了几次'),
    h('div', {class: 'row'},
      h('label', {}, '屏幕 ', h('input', {name: 'screen', list: 'plays-screens', placeholder: '屏幕名字里的字，如 1楼', autocomplete: 'off'})),
      h('label', {}, '内容 ', h('input', {name: 'item', list: 'plays-items', placeholder: '标题里的字，如 2019', autocomplete: 'off'})),
      h('label', {}, '日期 ', h('input', {name: 'day', type: 'date', value: c.yesterday})),
      // 昨天 / 今天: the date set and the question asked, in one click.
      [['昨天', c.yesterday], ['今天', c.today]].map(([label, day]) => h('button', {type: 'button', class: 'big', 'data-day': label,
        onclick: () => { question.querySelector('[name="day"]').value = day; ask(question, answer); }}, label)),
      h('button', {type: 'submit', class: 'big primary'}, '查询')),
    h('datalist', {id: 'plays-screens'}, c.screens.map((s) => h('option', {value: s}))),
    h('datalist', {id: 'plays-items'}, c.items.map((s) => h('option', {value: s}))),
    answer);

  const box = h('div', {id: 'plays'});
  const link = h('a', {class: 'button', href: '/api/plays.csv', download: 'plays.csv'}, '导出 CSV');
  const form = h('form', {class: 'row filters', onsubmit: (e) => { e.preventDefault(); load(form, box, link); }},
    h('label', {}, '屏幕 ', h('input', {name: 'screen', class: 'short', list: 'plays-screens', autocomplete: 'off'})),
    h('label', {}, '内容 ', h('input', {name: 'item', class: 'short', list: 'plays-items', autocomplete: 'off'})),
    h('label', {}, '从 ', h('input', {name: 'from', type: 'date'})),
    h('label', {}, '到 ', h('input', {name: 'until', type: 'date'})),
    h('button', {type: 'submit', class: 'big'}, '筛选'), link);
  main.append(question, h('h2', {}, '明细'),
    h('p', {class: 'muted'}, '完整播放：一项内容从第一页放到最后一页算一次；显示页数：每显示一页记一页。屏幕离线时的记录在它重新连上后补报。'),
    form, box);
  await load(form, box, link);
}
