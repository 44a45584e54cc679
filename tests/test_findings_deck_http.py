"""GET /download/findings.pptx (contract §4) through the whole app in process: a native deck for the
viewer's access, marked exactly when it shows the CP list."""

from __future__ import annotations

import io

from pptx import Presentation

from dashboard import marking
from tests.inprocess import sign_in


def deck_of(client, search: str = "") -> Presentation:
    response = client.get(f"/download/findings.pptx{search}")
    assert response.status_code == 200
    assert response.mimetype.endswith("presentationml.presentation")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"].endswith('.pptx"')
    return Presentation(io.BytesIO(response.data))


def all_text(prs: Presentation) -> str:
    return "\n".join(
        shape.text_frame.text for slide in prs.slides for shape in slide.shapes if shape.has_text_frame
    )


def test_the_public_deck_is_native_unmarked_and_names_no_cp(mini_client):
    prs = deck_of(mini_client)
    charts = [shape for slide in prs.slides for shape in slide.shapes if shape.has_chart]
    assert len(charts) >= 3
    text = all_text(prs)
    assert marking.MARKING_CP not in text
    assert "Challenged" not in text and "cp_" not in text
    assert "synthetic" in text.lower()  # the mini dataset says it is synthetic


def test_an_analysts_deck_is_marked(mini_client):
    sign_in(mini_client, "analyst")
    text = all_text(deck_of(mini_client))
    assert marking.MARKING_CP in text


def test_the_deck_follows_the_filters(mini_client):
    sign_in(mini_client, "analyst")
    everyone = all_text(deck_of(mini_client))
    one_type = all_text(deck_of(mini_client, "?type=ambulance"))
    assert everyone != one_type
    assert "ambulance" in one_type.lower()
