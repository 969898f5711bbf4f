// wirewatch board: live alerts and health over Server-Sent Events. Plain JavaScript;
// alert fragments arrive rendered (and escaped) by the server.
"use strict";

(function () {
  const feed = document.getElementById("feed");
  const title = document.title;
  let unread = 0;

  function showUnread() {
    const badge = document.getElementById("unread");
    const button = document.getElementById("mark-read");
    if (!badge) return;
    badge.textContent = unread + " new";
    badge.hidden = unread === 0;
    if (button) button.hidden = unread === 0;
    document.title = unread ? "(" + unread + ") " + title : title;
  }

  function markRead() {
    unread = 0;
    document.querySelectorAll(".alert.unread").forEach(function (el) {
      el.classList.remove("unread");
    });
    showUnread();
  }

  function showHealth(h) {
    document.querySelectorAll("[data-health]").forEach(function (el) {
      const key = el.getAttribute("data-health");
      const value = h[key];
      if (key === "problem") {
        el.textContent = value || "";
        el.hidden = !value;
      } else {
        el.textContent = value === null || value === undefined ? "–" : String(value);
      }
    });
    const dead = document.querySelector("[data-health-title=dead_letters]");
    if (dead) {
      dead.title = Object.keys(h.dead_letters).map(function (k) {
        return k + ": " + h.dead_letters[k];
      }).join("\n");
    }
  }

  function wanted(doc) {
    const type = feed.getAttribute("data-type");
    const person = feed.getAttribute("data-person");
    return (!type || doc.type === type) && (!person || doc.entity === person);
  }

  function addAlert(doc) {
    if (document.getElementById("alert-" + doc.seq)) return;
    feed.setAttribute("data-last-seq", String(doc.seq));
    if (!wanted(doc)) return;
    const holder = document.createElement("template");
    holder.innerHTML = doc.html.trim();
    const node = holder.content.firstElementChild;
    node.classList.add("unread");
    feed.insertBefore(node, feed.firstElementChild);
    const empty = document.getElementById("empty");
    if (empty) empty.hidden = true;
    unread += 1;
    showUnread();
  }

  function connect() {
    const after = feed ? feed.getAttribute("data-last-seq") : "0";
    const source = new EventSource("/events?after=" + encodeURIComponent(after));
    if (feed) {
      source.addEventListener("alert", function (e) { addAlert(JSON.parse(e.data)); });
    }
    source.addEventListener("health", function (e) { showHealth(JSON.parse(e.data)); });
    document.documentElement.setAttribute("data-live", "connecting");
    source.addEventListener("open", function () {
      document.documentElement.setAttribute("data-live", "open");
    });
  }

  const button = document.getElementById("mark-read");
  if (button) button.addEventListener("click", markRead);
  document.querySelectorAll("#filters select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  if (feed || document.getElementById("health")) connect();
})();
