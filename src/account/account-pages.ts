const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/** The path of the one script the pages load (CSP: scripts from this origin only, none inline). */
export const PAGES_SCRIPT_PATH = '/account-pages.js';

const STYLE = `body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem;line-height:1.5}
button{font-size:1rem;padding:.5rem 1rem}input{font-size:1rem;padding:.4rem;width:100%;box-sizing:border-box;margin:.25rem 0 1rem}
#result{margin-top:1rem;font-weight:600}`;

function page(appName: string, title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · ${escapeHtml(appName)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
<p id="result" role="status"></p>
<noscript><p>This page needs JavaScript to send the form.</p></noscript>
<script src="${PAGES_SCRIPT_PATH}"></script>
</body>
</html>
`;
}

/**
 * The page a verification link opens. Opening it changes nothing (mail scanners fetch links): the button sends
 * the token to POST /auth/email/verify.
 */
export const verifyEmailPage = (appName: string) =>
  page(
    appName,
    'Confirm your email address',
    `<p>Press the button to confirm that this address belongs to your ${escapeHtml(appName)} account.</p>
<form id="verify-email"><button type="submit">Confirm my email address</button></form>`,
  );

/** The page a password-reset link opens: the new password goes to POST /auth/password/reset. */
export const resetPasswordPage = (appName: string) =>
  page(
    appName,
    'Choose a new password',
    `<form id="reset-password">
<label for="password">New password for your ${escapeHtml(appName)} account</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="8">
<label for="repeat">The same password again</label>
<input id="repeat" name="repeat" type="password" autocomplete="new-password" required minlength="8">
<button type="submit">Set the new password</button>
</form>`,
  );

/** The pages' behaviour: take the token out of the address bar, send it as JSON, say what happened. */
export const PAGES_SCRIPT = `'use strict';
(function () {
  var token = new URLSearchParams(location.search).get('token') || '';
  history.replaceState(null, '', location.pathname);
  var result = document.getElementById('result');
  function say(text) { result.textContent = text; }
  function send(path, body, done) {
    fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), credentials: 'omit', referrerPolicy: 'no-referrer' })
      .then(function (response) {
        if (response.ok) return done();
        return response.json().then(function (error) { say(error.message || 'Something went wrong.'); });
      })
      .catch(function () { say('The server could not be reached; try again.'); });
  }
  var verify = document.getElementById('verify-email');
  if (verify) verify.addEventListener('submit', function (event) {
    event.preventDefault();
    send('/auth/email/verify', { token: token }, function () { say('Your email address is confirmed. You can close this page.'); verify.remove(); });
  });
  var reset = document.getElementById('reset-password');
  if (reset) reset.addEventListener('submit', function (event) {
    event.preventDefault();
    var password = document.getElementById('password').value;
    if (password !== document.getElementById('repeat').value) return say('The two passwords differ.');
    send('/auth/password/reset', { token: token, newPassword: password }, function () { say('Your password is changed. Sign in with it.'); reset.remove(); });
  });
})();
`;
