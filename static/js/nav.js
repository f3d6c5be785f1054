// The site's menu folds behind a button on narrow screens. Without JavaScript it stays open,
// wrapped under the brand: every link is still there.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("nav-toggle");
  const menu = document.getElementById("site-menu");
  if (!button || !menu) return;
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("open", open);
  });
});
