"""The gallery in the browser: pictures dropped onto the page are added, each file with its
own result line, a file that is not a picture is refused with a message, and alt text is
edited in place with visible feedback."""

import base64
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.factories import make_bot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DROP = """(files) => {
  const transfer = new DataTransfer();
  for (const [name, b64, type] of files) {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    transfer.items.add(new File([bytes], name, { type }));
  }
  const form = document.getElementById("gallery-upload");
  const drop = { dataTransfer: transfer, bubbles: true, cancelable: true };
  form.dispatchEvent(new DragEvent("drop", drop));
}"""


def png_base64() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), (30, 90, 160)).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def test_it_takes_a_dropped_picture_its_alt_text_and_refuses_a_fake(
    credential_keys, owner, page, live_server, tmp_path
):
    bot = make_bot(owners=[owner], name="Painter")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", owner.username)
    page.fill("input[name=password]", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/bots/{bot.pk}/gallery/")
    page.wait_for_load_state()

    fake = base64.b64encode(b"not a picture at all").decode()
    page.evaluate(DROP, [["sea.png", png_base64(), "image/png"], ["fake.jpg", fake, "image/jpeg"]])
    results = page.locator("#upload-results li")
    expect(results).to_have_count(2, timeout=15_000)
    expect(results.nth(0)).to_have_class("success")
    expect(results.nth(0)).to_contain_text("sea.png")
    expect(results.nth(1)).to_have_class("error")
    expect(results.nth(1)).to_contain_text("fake.jpg")
    tile = page.locator(".gallery-image")
    expect(tile).to_have_count(1)
    expect(tile.locator(".badge")).to_have_text("No alt text")

    tile.locator("textarea[name=alt_text]").fill("A deep blue rectangle, like the sea.")
    tile.locator("button:has-text('Save alt text')").click()
    expect(page.locator(".gallery-image .saved")).to_have_text("Alt text saved.")
    expect(page.locator(".gallery-image .badge")).to_have_count(0)
    assert bot.images.get().alt_text == "A deep blue rectangle, like the sea."

    fake = tmp_path / "holiday.jpg"
    fake.write_text("not a picture at all")
    page.set_input_files("input[name=images]", str(fake))
    page.click("button:has-text('Upload')")
    expect(page.locator(".messages .error")).to_contain_text("holiday.jpg")
    assert bot.images.count() == 1
