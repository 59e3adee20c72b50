// weihai-kg search box, on every page, and the entity pickers of the question pages:
// suggestions as you type from /search (the build's name index), as an ARIA combobox with a
// listbox popup (WAI-ARIA Authoring Practices): ↑/↓ move through the suggestions, Enter takes
// the chosen one (the search box opens its page, or the results page; a picker fills in its
// IRI), Escape closes.
"use strict";

function combobox(input, list, status, pick) {
  const lang = input.dataset.lang || "en";
  let hits = [];
  let active = -1;
  let timer = null;
  let asked = 0;

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const choose = (index) => {
    const options = list.querySelectorAll("[role=option]");
    options.forEach((o, i) => o.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };
  const open = (hit) => { close(); pick(hit, lang); };

  const show = (data) => {
    // a late answer must not take away the suggestion the reader has just moved to
    const kept = active >= 0 && hits[active] ? hits[active].url : null;
    hits = data.hits;
    list.replaceChildren();
    hits.forEach((hit, i) => {
      const li = document.createElement("li");
      li.id = list.id + "-option-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.url = hit.url;
      const name = document.createElement("span");
      name.className = "hit-name";
      name.textContent = hit.name;
      if (hit.nameLang) name.lang = hit.nameLang;
      const kind = document.createElement("span");
      kind.className = "hit-kind";
      kind.textContent = hit.kind;
      li.append(name);
      if (hit.nameLang && hit.nameLang !== lang) {
        const fallback = document.createElement("span");
        fallback.className = "fallback";
        fallback.textContent = hit.nameLang.toUpperCase();
        fallback.title = input.dataset.fallback || "";
        li.append(fallback);
      }
      li.append(kind);
      if (hit.matched !== hit.name) {
        const matched = document.createElement("span");
        matched.className = "hit-matched";
        matched.textContent = hit.matched;
        if (hit.matchedLang) matched.lang = hit.matchedLang;
        li.append(matched);
      }
      li.addEventListener("mousedown", (event) => { event.preventDefault(); open(hit); });
      list.appendChild(li);
    });
    const any = hits.length > 0;
    list.hidden = !any;
    input.setAttribute("aria-expanded", String(any));
    active = -1;
    const again = kept ? hits.findIndex((h) => h.url === kept) : -1;
    if (again >= 0) choose(again);
    if (status) status.textContent = (input.dataset.count || "{n}").replace("{n}", data.total.toLocaleString("en-US") + (data.more ? "+" : "")) + (any ? " · " + input.dataset.hint : "");
  };

  const ask = async () => {
    const q = input.value.trim();
    if (!q) { close(); if (status) status.textContent = ""; return; }
    const mine = ++asked;
    const response = await fetch("/search?limit=8&lang=" + encodeURIComponent(lang) + "&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } });
    if (mine !== asked || !response.ok) return; // a later keystroke has asked again
    show(await response.json());
  };

  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(ask, 80); });
  input.addEventListener("keydown", (event) => {
    const count = list.querySelectorAll("[role=option]").length;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (list.hidden && count) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
      if (count) choose((active + 1) % count);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (count) choose(active <= 0 ? count - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
      event.preventDefault();
      open(hits[active]);
    } else if (event.key === "Escape") {
      if (!list.hidden) { event.preventDefault(); close(); } else { input.value = ""; }
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
}

document.addEventListener("DOMContentLoaded", () => {
  const site = document.getElementById("site-search");
  if (site) {
    combobox(site, document.getElementById("site-search-list"), document.getElementById("site-search-status"), (hit, lang) => {
      window.location.href = hit.url + (hit.url.includes("?") ? "&" : "?") + "lang=" + encodeURIComponent(lang);
    });
  }
  for (const picker of document.querySelectorAll("input.picker")) {
    const target = document.getElementById(picker.dataset.target);
    combobox(picker, document.getElementById(picker.getAttribute("aria-controls")), null, (hit) => {
      target.value = hit.iri;
      picker.value = hit.name;
    });
  }
});
