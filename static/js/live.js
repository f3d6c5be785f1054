// Parts of a page that follow the flock as posts go out: an element with data-live (and an
// id) is fetched again every few seconds and swapped in place, but only while the tab is
// visible and nobody is typing in it; a hidden tab asks the site nothing, and coming back
// to it refreshes at once. htmx's own pollers (hx-trigger="every ...") pause the same way.
(() => {
  const seconds = Number(document.body.dataset.liveSeconds) || 10;

  function busy(element) {
    const focused = document.activeElement;
    return focused && focused !== document.body && element.contains(focused);
  }

  function refresh() {
    if (document.hidden || !window.htmx) return;
    document.querySelectorAll("[data-live][id]").forEach((element) => {
      if (busy(element)) return;
      const selector = `#${element.id}`;
      window.htmx.ajax("GET", element.dataset.live || window.location.href, {
        source: element,
        target: selector,
        select: selector,
        swap: "outerHTML",
      });
    });
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    const trigger = event.detail.elt.getAttribute("hx-trigger") || "";
    if (document.hidden && trigger.startsWith("every")) event.preventDefault();
  });
  document.addEventListener("visibilitychange", refresh);
  window.setInterval(refresh, seconds * 1000);
})();
