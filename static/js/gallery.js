// Drag and drop onto the gallery's upload form: the files go to the same URL as the plain
// form, which keeps working without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("gallery-upload");
  if (!form) return;
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  ["dragenter", "dragover"].forEach((type) =>
    form.addEventListener(type, (event) => {
      event.preventDefault();
      form.classList.add("dragging");
    })
  );
  form.addEventListener("dragleave", () => form.classList.remove("dragging"));
  form.addEventListener("drop", async (event) => {
    event.preventDefault();
    form.classList.remove("dragging");
    const data = new FormData();
    for (const file of event.dataTransfer.files) data.append("images", file);
    if (!data.has("images")) return;
    form.classList.add("uploading");
    await fetch(form.action, {
      method: "POST",
      body: data,
      headers: { "X-CSRFToken": token },
      credentials: "same-origin",
    });
    window.location.reload();
  });
});
