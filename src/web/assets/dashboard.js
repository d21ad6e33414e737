// resque-web: progressive enhancement only. Every page works without this script; with it,
// destructive forms ask first, "select all" ticks a page of checkboxes, and the numbers marked
// data-live refresh from a small JSON document while the tab is visible.
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const question = form.dataset.confirm;
  if (!question) return;
  if (!window.confirm(question)) {
    event.preventDefault();
    return;
  }
  // Confirmed here, so the server does not ask again.
  if (!form.querySelector('input[name="confirm"]')) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = "confirm";
    input.value = "yes";
    form.appendChild(input);
  }
});

document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.hasAttribute("data-select-all")) return;
  const form = box.closest("form");
  if (!form) return;
  for (const other of form.querySelectorAll('input[type="checkbox"][name]')) other.checked = box.checked;
});

(function live() {
  const url = document.body.dataset.liveUrl;
  const seconds = Number(document.body.dataset.refreshSeconds || "0");
  if (!url || !(seconds > 0)) return;
  const state = document.querySelector("[data-live-state]");
  const format = new Intl.NumberFormat("en-US");
  let timer;

  async function refresh() {
    try {
      const response = await fetch(url, { headers: { accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const { values, at } = await response.json();
      for (const element of document.querySelectorAll("[data-live]")) {
        const value = values[element.dataset.live];
        if (typeof value === "number") element.textContent = format.format(value);
      }
      if (state) state.textContent = `Live · updated ${new Date(at).toLocaleTimeString()}`;
    } catch (error) {
      if (state) state.textContent = `Live numbers paused: ${error.message}`;
    }
  }

  function start() {
    stop();
    timer = window.setInterval(refresh, seconds * 1000);
  }
  function stop() {
    if (timer !== undefined) window.clearInterval(timer);
    timer = undefined;
  }

  // Polling stops while the tab is hidden and catches up at once when it shows again.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      void refresh();
      start();
    } else {
      stop();
      if (state) state.textContent = "Live numbers paused while this tab is hidden";
    }
  });
  void refresh();
  if (document.visibilityState === "visible") start();
})();
