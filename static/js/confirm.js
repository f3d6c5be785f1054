// A button with data-confirm asks before its form is sent, and says so to the server with
// confirmed=yes: actions that take something away are never one click. Without JavaScript the
// server asks on a page of its own (pages.confirming).
document.addEventListener("submit", (event) => {
  const question = event.submitter && event.submitter.dataset.confirm;
  if (!question) return;
  if (!window.confirm(question)) {
    event.preventDefault();
    return;
  }
  const form = event.target;
  if (!form.querySelector("input[name=confirmed]")) {
    const confirmed = document.createElement("input");
    confirmed.type = "hidden";
    confirmed.name = "confirmed";
    confirmed.value = "yes";
    form.appendChild(confirmed);
  }
});
