"""The conversation page: buttons and text in, one answer per message, bad input kept safe."""

from __future__ import annotations

import html

from bot.services import Services
from storage.enums import Direction
from tests.kiosk.visitor import Kiosk, transcript


def test_chat_page_shows_the_open_prompt_as_buttons(logged_in: Kiosk) -> None:
    page = logged_in.chat()
    assert len(page.buttons()) >= 2
    assert "menu" in page.buttons()
    assert "J'ai fini" in html.unescape(page.text)
    assert "maxlength" not in page.text  # a long text is never cut silently: it is refused
    assert 'data-max="2000"' in page.text  # the page counts the characters as they are typed


def test_pressing_a_button_answers_and_redirects_back_to_the_chat(
    logged_in: Kiosk, services: Services
) -> None:
    page = logged_in.chat()
    choice, label = next(
        (v, label) for v, label in page.buttons().items() if v not in ("menu", "urgent")
    )
    response = logged_in.press(choice, page)
    assert response.status_code == 303
    assert response.headers["location"] == "/kiosk/chat"
    said = [e for e in transcript(services) if e.direction == Direction.IN]
    assert said[-1].text == label  # the transcript shows what the person saw on the button
    assert (
        f'<li class="bubble mine">\n<div class="bubble-head"><span class="who">Vous</span>\n</div>\n<p>{html.escape(label)}</p>'
        in logged_in.chat().text
    )


def test_text_is_escaped_everywhere(logged_in: Kiosk) -> None:
    logged_in.say('<script>alert("x")</script><b>gras</b>')
    page = logged_in.chat()
    assert "<script>alert" not in page.text
    assert "<b>gras" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;gras&lt;/b&gt;" in page.text


def test_oversize_text_is_refused_and_kept_in_the_field(
    logged_in: Kiosk, services: Services
) -> None:
    before = len(transcript(services))
    long_text = "Je voudrais savoir " + "x" * 2000
    response = logged_in.say(long_text)
    assert response.status_code == 422
    shown = html.unescape(response.text)
    assert "Votre message est trop long\u202f: 2\u202f000 caractères au plus." in shown
    assert f">{long_text}</textarea>" in shown
    assert len(transcript(services)) == before  # no turn


def test_text_at_the_cap_is_accepted_and_windows_line_ends_count_once(logged_in: Kiosk) -> None:
    text = ("ab\r\n" * 666) + "ab"  # 2000 characters once \r\n is one line end
    assert logged_in.say(text).status_code == 303


def test_empty_text_is_ignored_with_a_gentle_word(logged_in: Kiosk, services: Services) -> None:
    before = len(transcript(services))
    response = logged_in.say("   \n ")
    assert response.status_code == 303
    assert response.headers["location"] == "/kiosk/chat?notice=empty"
    page = logged_in.client.get(response.headers["location"])
    assert "Votre message est vide." in page.text
    assert len(transcript(services)) == before


def test_double_post_with_the_same_message_id_gets_one_answer(
    logged_in: Kiosk, services: Services
) -> None:
    page = logged_in.chat()
    choice = next(v for v in page.buttons() if v not in ("menu", "urgent"))
    before = len(transcript(services))
    first = logged_in.press(choice, page)
    second = logged_in.press(choice, page)  # a double tap, or the form posted again
    assert first.status_code == second.status_code == 303
    entries = transcript(services)[before:]
    assert [e.direction for e in entries].count(Direction.IN) == 1


def test_button_from_an_old_page_says_the_question_is_closed(
    logged_in: Kiosk, services: Services
) -> None:
    old = logged_in.chat()  # two tabs on the same question, each with its own message id
    other = logged_in.chat()
    choice = next(v for v in old.buttons() if v not in ("menu", "urgent", "plan"))
    logged_in.press(choice, other)
    assert logged_in.press(choice, old).status_code == 303
    assert "Cette question est fermée" in transcript(services)[-2].text


def test_unknown_button_value_is_answered_by_the_conversation(
    logged_in: Kiosk, services: Services
) -> None:
    page = logged_in.chat()
    form = page.form_with("menu")
    response = logged_in.client.post(
        "/kiosk/say", data={**form.fields, "value": "no-such-button"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert transcript(services)[-1].direction == Direction.OUT


def test_missing_or_wrong_csrf_token_is_refused(logged_in: Kiosk, services: Services) -> None:
    page = logged_in.chat()
    before = len(transcript(services))
    fields = {**page.text_form().fields, "text": "bonjour"}
    for token in ("", "forged-token"):
        response = logged_in.client.post("/kiosk/say", data={**fields, "csrf": token})
        assert response.status_code == 403
        assert "recommencez depuis l&#39;accueil" in response.text or "recommencez" in response.text
        assert response.headers["cache-control"] == "no-store"
    assert len(transcript(services)) == before


def test_malformed_sequence_number_gets_a_friendly_400(logged_in: Kiosk) -> None:
    form = logged_in.chat().form_with("menu")
    for seq in ("abc", "", "-1", "1e9"):
        response = logged_in.client.post(
            "/kiosk/say", data={**form.fields, "seq": seq, "value": "menu"}
        )
        assert response.status_code == 400
        assert "Cette demande n'a pas pu être lue" in html.unescape(response.text)


def test_malformed_message_id_gets_a_friendly_400(logged_in: Kiosk) -> None:
    fields = logged_in.chat().text_form().fields
    response = logged_in.client.post("/kiosk/say", data={**fields, "mid": "x", "text": "hi"})
    assert response.status_code == 400


def test_menu_button_goes_home(logged_in: Kiosk) -> None:
    home = set(logged_in.chat().buttons())
    first = next(v for v in home if v not in ("menu", "urgent", "plan", "counsellor"))
    logged_in.press(first)
    logged_in.press("menu")
    assert set(logged_in.chat().buttons()) == home


def test_person_reads_the_chat_in_their_language(kiosk: Kiosk) -> None:
    kiosk.login(code="DEMO02", pin="5678")
    page = kiosk.chat()
    assert '<html lang="ar" dir="rtl">' in page.text


def test_aide_urgente_is_on_every_chat_page_and_opens_the_net(
    logged_in: Kiosk, services: Services
) -> None:
    page = logged_in.chat()
    assert page.buttons()["urgent"] == "Aide urgente"
    assert logged_in.press("urgent", page).status_code == 303
    shown = [e.text for e in transcript(services)]
    assert "Aide urgente" in shown  # what the person pressed, in the transcript
    assert any("Que se passe-t-il ?" in text for text in shown)
    assert "urgent" in logged_in.chat().buttons()  # still there inside the net


def test_a_word_of_the_glossary_is_a_button_that_explains_it_and_keeps_the_question(
    logged_in: Kiosk, services: Services
) -> None:
    logged_in.press("logement")
    logged_in.press("siao")  # « Avez-vous déjà fait une demande au SIAO ? »
    page = logged_in.chat()
    question = page.buttons()
    assert set(page.terms) == {"word:siao"}  # in the message before, and in the question

    assert logged_in.press("word:siao", page).status_code == 303

    after = logged_in.chat()
    said = [e.text for e in transcript(services)][-3:]
    assert said[0] == "SIAO ?"  # what the person asked, as the counsellor reads it
    assert said[1].startswith("SIAO : service intégré d'accueil et d'orientation.")
    assert after.buttons() == question  # the same question, still open
    assert ">SIAO</button>\u202f: service intégré" in html.unescape(after.text)


def test_an_empty_message_is_said_beside_the_field_not_on_an_error_page(logged_in: Kiosk) -> None:
    form = logged_in.chat().text_form()
    data = {k: v for k, v in form.fields.items() if k != "text"}  # the field sent empty
    response = logged_in.client.post(form.action, data={**data, "text": ""}, follow_redirects=False)

    assert response.status_code == 303
    page = logged_in.client.get(response.headers["location"])
    assert page.status_code == 200
    assert '<p class="error" role="alert" id="error">Votre message est vide.' in page.text
    assert page.text.index('id="error"') > page.text.index(
        '<form method="post" action="/kiosk/say" class="say"'
    )
