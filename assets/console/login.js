// The login form: on success, back to the page that sent the clerk here (only a page of
// this console), else to 屏幕.
const form = document.getElementById('login');
const error = document.getElementById('login-error');

function nextPage() {
  const next = new URLSearchParams(location.search).get('next') || '/screens';
  return /^\/[a-z]+$/.test(next) ? next : '/screens';
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
