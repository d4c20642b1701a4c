/* 诚信杭州 — the complaint pages: a filter box over the organization select, the identity fields hidden
 * for an anonymous complaint, and the receipt's print button. No inline scripts (CSP); without this
 * script the plain select and all fields still work. */
(function () {
  'use strict';

  function ready(fn) {
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', fn);
    } else {
      fn();
    }
  }

  ready(function () {
    var filter = document.querySelector('[data-org-filter]');
    var select = document.querySelector('select[data-org-select]');
    if (filter && select) {
      filter.hidden = false;
      filter.addEventListener('input', function () {
        var query = filter.value.trim().toLowerCase();
        var first = null;
        Array.prototype.forEach.call(select.options, function (option) {
          var match = !query || !option.value || option.selected || option.text.toLowerCase().indexOf(query) !== -1;
          option.hidden = !match;
          option.disabled = !match && !!option.value;
          if (match && option.value && !first) {
            first = option;
          }
        });
        if (query && first && !select.value) {
          first.selected = true;
        }
      });
    }

    var identity = document.querySelector('[data-identity]');
    var radios = document.querySelectorAll('input[name="anonymous"]');
    function toggle() {
      var anonymous = document.querySelector('input[name="anonymous"][value="1"]');
      identity.hidden = !!(anonymous && anonymous.checked);
    }
    if (identity && radios.length) {
      Array.prototype.forEach.call(radios, function (radio) {
        radio.addEventListener('change', toggle);
      });
      toggle();
    }

    var print = document.querySelector('[data-print]');
    if (print) {
      print.hidden = false;
      print.addEventListener('click', function () {
        window.print();
      });
    }
  });
}());
