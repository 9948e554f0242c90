// The login form: on success, back to the page that sent the clerk here (only a page of
// this console), else to 屏幕.
const form = document.getElementById('login');
const error = document.getElementById('login-error');

function nextPage() {
  const next = new URLSearchParams(location.search).get('next') || '/screens';
  return /^\/[a-z]+$/.test(next) ? next : '/screens';
}

// Sent here because the session ended (api.js): said, so the clerk knows why.
if (new URLSearchParams(location.search).get('expired') === '1') {
  error.textContent = '登录已过期，请重新登录；登录后回到原来的页面，没有发出的草稿可以恢复。';
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.textContent = '';
  const button = form.querySelector('button');
  button.disabled = true;
  try {
    const response = await fetch('/api/login', {
      method: 'POST',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({name: form.name.value.trim(), password: form.password.value}),
    });
    const data = await response.json().catch(() => ({}));
    if (response.ok) {
      location.href = nextPage();
      return;
    }
    error.textContent = data.error || '登录失败';
    form.password.value = '';
    form.password.focus();
  } catch (e) {
    error.textContent = '连不上控制台，请检查网络';
  } finally {
    button.disabled = false;
  }
});
