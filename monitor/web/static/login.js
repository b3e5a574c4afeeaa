// The login page: after a good login, back to the console (and the alert a link named).
'use strict';
function paint() { applyTexts(); document.getElementById('lang').textContent = t('lang'); document.title = t('title'); }
function back() { return /^#[A-Za-z0-9_-]{1,80}$/.test(location.hash) ? location.hash : ''; }
paint();
document.getElementById('lang').onclick = e => { e.preventDefault(); setLang(LANG === 'zh' ? 'en' : 'zh'); paint(); };
document.getElementById('login').onsubmit = async e => {
  e.preventDefault();
  const err = document.getElementById('error'); err.textContent = '';
  const r = await fetch('/api/v1/login', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({user: document.getElementById('user').value, password: document.getElementById('password').value})});
  if (r.ok) { location.href = '/' + back(); return; }
  err.textContent = r.status === 429 ? t('tooMany') : t('loginFailed');
};
