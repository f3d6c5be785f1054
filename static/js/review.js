// Keyboard shortcuts for the review queue: j/k move, a approve, r reject, e edit, x select.
(function () {
  "use strict";
  let currentId = null;

  function cards() {
    return Array.from(document.querySelectorAll(".queue .tweet-card"));
  }

  function current() {
    return currentId ? document.getElementById(currentId) : null;
  }

  function select(card, focus) {
    const old = current();
    if (old) old.classList.remove("current");
    currentId = card ? card.id : null;
    if (!card) return;
    card.classList.add("current");
    if (focus) {
      card.focus({ preventScroll: true });
      card.scrollIntoView({ block: "nearest" });
    }
  }

  function move(step) {
    const all = cards();
    if (!all.length) return;
    const at = all.indexOf(current());
    const next = at < 0 ? 0 : Math.min(Math.max(at + step, 0), all.length - 1);
    select(all[next], true);
  }

  function press(key) {
    const card = current();
    const button = card && card.querySelector('[data-key="' + key + '"]');
    if (!button) return;
    // A card swapped in a moment ago may not be wired up by htmx yet: wire it now.
    if (window.htmx) window.htmx.process(card);
    button.click();
  }

  function toggle() {
    const card = current();
    const box = card && card.querySelector("input[type=checkbox]");
    if (box) box.checked = !box.checked;
  }

  const actions = {
    j: () => move(1),
    k: () => move(-1),
    a: () => press("a"),
    r: () => press("r"),
    e: () => press("e"),
    x: toggle,
  };

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select")) {
      if (event.key === "Escape") {
        const card = event.target.closest(".tweet-card");
        const cancel = card && card.querySelector('[data-key="Escape"]');
        if (cancel) cancel.click();
      }
      return;
    }
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  // The bot filter applies as soon as a bot is chosen (a plain button does it without JS).
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-submit-on-change]")) event.target.form.submit();
  });

  document.addEventListener("click", function (event) {
    const card = event.target.closest(".queue .tweet-card");
    if (card) select(card, false);
  });

  // A card swapped in by htmx is a new element with the same id: keep it marked, and put
  // the cursor at the end of the editor's text when one appears (its autofocus leaves the
  // cursor at the start, where typing would land before the draft).
  document.addEventListener("htmx:afterSettle", function () {
    const card = current();
    if (card) card.classList.add("current");
    const editor = document.querySelector(".queue .tweet-edit textarea:not([data-cursor-placed])");
    if (editor && !editor.dataset.cursorPlaced) {
      editor.dataset.cursorPlaced = "1";
      editor.focus();
      editor.setSelectionRange(editor.value.length, editor.value.length);
    }
  });
})();
