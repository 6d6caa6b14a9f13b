// The knowledge-base panel beside a ticket: "Insert link" / "Insert text" put the article into
// the reply box at the cursor, then tell the server (the ticket and the article show each other).
// Bound once on the document, so a reloaded panel needs no new listeners.
(function () {
  if (window.liniaKbPanel) return;
  window.liniaKbPanel = true;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function insert(textarea, text) {
    var start = textarea.selectionStart || 0;
    var end = textarea.selectionEnd || 0;
    var before = textarea.value.slice(0, start);
    var after = textarea.value.slice(end);
    var gap = before && !/\n$/.test(before) ? "\n" : "";
    textarea.value = before + gap + text + after;
    var caret = (before + gap + text).length;
    textarea.focus();
    textarea.setSelectionRange(caret, caret);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-kb-insert]");
    if (!button) return;
    var panel = button.closest("[data-kb-record]");
    if (!panel) return;
    var textarea = document.querySelector(panel.getAttribute("data-kb-target"));
    if (!textarea) return;
    insert(textarea, button.getAttribute("data-kb-insert"));
    var body = new FormData();
    body.append("article", button.getAttribute("data-kb-article"));
    fetch(panel.getAttribute("data-kb-record"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    });
  });
})();
