// Drag and drop onto the gallery's upload form: the files go to the same URL as the plain
// form, which keeps working without JavaScript. Each dropped file gets its own result line
// (added, already there, or refused with the reason), then the pictures are shown again.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("gallery-upload");
  const results = document.getElementById("upload-results");
  if (!form || !results) return;
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
    results.replaceChildren();
    try {
      const answer = await fetch(form.action, {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": token, "HX-Request": "true" },
        credentials: "same-origin",
      });
      results.innerHTML = (answer.headers.get("content-type") || "").startsWith("text/html")
        ? await answer.text()
        : "";
      if (!results.children.length) {
        results.innerHTML = `<li class="error">The upload failed (${answer.status}): try the Upload button.</li>`;
      }
      await showPictures();
    } catch (error) {
      results.innerHTML = '<li class="error">The upload did not reach the site: check the connection and try again.</li>';
    } finally {
      form.classList.remove("uploading");
    }
  });

  async function showPictures() {
    const page = await fetch(window.location.href, { credentials: "same-origin" });
    const fresh = new DOMParser().parseFromString(await page.text(), "text/html");
    const grid = document.querySelector(".gallery-grid");
    const freshGrid = fresh.querySelector(".gallery-grid");
    if (grid && freshGrid) {
      grid.replaceWith(freshGrid);
      if (window.htmx) window.htmx.process(freshGrid);
    }
  }
});
