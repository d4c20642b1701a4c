/* 诚信杭州 — site behaviour. No inline scripts (CSP); all hooks are data-attributes. */
(function () {
  'use strict';

  function getCsrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

  // <select data-autosubmit>: submit the enclosing form on change (e.g. language switch).
  document.addEventListener('change', function (event) {
    var el = event.target;
    if (!(el instanceof HTMLSelectElement) || !el.hasAttribute('data-autosubmit')) {
      return;
    }
    var form = el.form;
    if (!form) {
      return;
    }
    if (typeof form.requestSubmit === 'function') {
      form.requestSubmit(); // fires submit event, so data-confirm still applies
    } else {
      form.submit();
    }
  });

  // <form data-confirm="message">: ask before submitting; cancel if declined.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-confirm')) {
      return;
    }
    var message = form.getAttribute('data-confirm');
    if (!window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // [data-copy-target="#id"]: copy target's text, show data-copied-label briefly.
  function fallbackCopy(text) {
    var ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'absolute';
    ta.style.left = '-9999px';
    document.body.appendChild(ta);
    ta.select();
    var ok = false;
    try {
      ok = document.execCommand('copy');
    } catch (e) {
      ok = false;
    }
    document.body.removeChild(ta);
    return ok ? Promise.resolve() : Promise.reject(new Error('copy failed'));
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return fallbackCopy(text);
      });
    }
    return fallbackCopy(text);
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('[data-copy-target]') : null;
    if (!button) {
      return;
    }
    var selector = button.getAttribute('data-copy-target');
    var target = null;
    try {
      target = selector ? document.querySelector(selector) : null;
    } catch (e) {
      target = null;
    }
    if (!target) {
      return;
    }
    event.preventDefault();
    var text = ('value' in target && typeof target.value === 'string')
      ? target.value
      : target.textContent;
    copyText((text || '').trim()).then(function () {
      var label = button.getAttribute('data-copied-label');
      if (!label) {
        return;
      }
      if (button._copyOriginal === undefined) {
        button._copyOriginal = button.innerHTML; // keeps any icon markup
      }
      button.textContent = label;
      window.clearTimeout(button._copyTimer);
      button._copyTimer = window.setTimeout(function () {
        button.innerHTML = button._copyOriginal;
        button._copyOriginal = undefined;
      }, 2000);
    }, function () { /* copy not permitted; leave the button unchanged */ });
  });

  // <input|select data-show-when="other_field=value">: show this field's block (.mb-3) only while the
  // named field of the same form has that value. Without script every field simply stays visible.
  function applyShowWhen(form) {
    form.querySelectorAll('[data-show-when]').forEach(function (el) {
      var rule = el.getAttribute('data-show-when').split('=');
      var controller = form.elements.namedItem(rule[0]);
      var block = el.closest('.mb-3') || el;
      block.hidden = !!controller && controller.value !== rule[1];
    });
  }
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('form').forEach(function (form) {
      if (form.querySelector('[data-show-when]')) {
        applyShowWhen(form);
      }
    });
  });
  document.addEventListener('change', function (event) {
    var form = event.target.form;
    if (form && form.querySelector('[data-show-when]')) {
      applyShowWhen(form);
    }
  });

  // htmx: send the CSRF token with every request.
  document.addEventListener('DOMContentLoaded', function () {
    if (!window.htmx) {
      return;
    }
    document.body.addEventListener('htmx:configRequest', function (event) {
      var token = getCsrfToken();
      if (token) {
        event.detail.headers['X-CSRFToken'] = token;
      }
    });
  });
})();
