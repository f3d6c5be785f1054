"""The gallery in the browser: a picture dropped onto the page is added, its alt text is
edited in place, and a file that is not a picture is refused with a message."""

import base64
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.factories import make_bot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DROP = """([name, b64]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, { type: "image/png" }));
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

    page.evaluate(DROP, ["sea.png", png_base64()])
    tile = page.locator(".gallery-image")
    expect(tile).to_have_count(1, timeout=15_000)
    expect(tile.locator(".badge")).to_have_text("No alt text")

    tile.locator("textarea[name=alt_text]").fill("A deep blue rectangle, like the sea.")
    tile.locator("button:has-text('Save alt text')").click()
    expect(page.locator(".gallery-image .badge")).to_have_count(0)
    assert bot.images.get().alt_text == "A deep blue rectangle, like the sea."

    fake = tmp_path / "holiday.jpg"
    fake.write_text("not a picture at all")
    page.set_input_files("input[name=images]", str(fake))
    page.click("button:has-text('Upload')")
    expect(page.locator(".messages .error")).to_contain_text("holiday.jpg")
    assert bot.images.count() == 1
