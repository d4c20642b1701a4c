/* 诚信杭州 — the "new picture" link of core.captcha.CaptchaField. No inline scripts (CSP).
 * Without this script the link reloads the page, which also draws a new picture. */
(function () {
  'use strict';

  document.addEventListener('click', function (event) {
    var link = event.target instanceof Element ? event.target.closest('[data-captcha-new]') : null;
    if (!link || !window.fetch) {
      return;
    }
    var box = link.closest('[data-captcha]');
    var image = box && box.querySelector('[data-captcha-image]');
    var token = box && box.querySelector('input[type="hidden"]');
    var answer = box && box.querySelector('input:not([type="hidden"])');
    if (!image || !token) {
      return;
    }
    event.preventDefault();
    fetch(link.getAttribute('data-captcha-new'), {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
      cache: 'no-store'
    }).then(function (response) {
      if (!response.ok) {
        throw new Error('captcha ' + response.status);
      }
      return response.json();
    }).then(function (challenge) {
      token.value = challenge.token;
      image.src = challenge.image_url;
      if (answer) {
        answer.value = '';
        answer.focus();
      }
    }).catch(function () {
      window.location.reload();
    });
  });
}());
