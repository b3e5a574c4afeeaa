// The login form (a file of its own: the Content-Security-Policy allows no inline script).
function paint() { applyTexts(); document.getElementById('lang').textContent = t('lang'); document.title = t('title'); }
paint();
document.getElementById('lang').onclick = e => { e.preventDefault(); setLang(LANG === 'zh' ? 'en' : 'zh'); paint(); };
document.getElementById('login').onsubmit = async e => {
  e.preventDefault();
  const err = document.getElementById('error'); err.textContent = '';
  const r = await fetch('/api/v1/login', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({user: document.getElementById('user').value, password: document.getElementById('password').value})});
  if (r.ok) { location.href = '/'; return; }
  err.textContent = r.status === 429 ? t('tooMany') : t('loginFailed');
};
