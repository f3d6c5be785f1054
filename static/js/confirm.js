// A button with data-confirm asks before its form is sent: actions that take something away
// are never one click.
document.addEventListener("submit", (event) => {
  const question = event.submitter && event.submitter.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
