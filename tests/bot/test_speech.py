"""Reading aloud with the real espeak-ng: a WAV file with real sizes, in every
supported language, and clear errors when it cannot be done."""

from __future__ import annotations

import io
import shutil
import subprocess
import wave
from pathlib import Path

import pytest

from bot.i18n import LANGUAGES
from bot.speech import MAX_SPOKEN, VOICES, SpeechUnavailable, shorten, synthesize

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (scripts/install)"
)

SENTENCES = {
    "fr": "Bonjour. Votre rendez-vous est mardi à quatorze heures.",
    "en": "Hello. Your appointment is on Tuesday at two.",
    "ar": "مرحبا. موعدك يوم الثلاثاء.",
    "ro": "Bună ziua. Programarea este marți.",
}


def duration(wav: bytes) -> float:
    """Seconds of sound, from the WAV header (so the header must be right)."""
    with wave.open(io.BytesIO(wav)) as sound:
        return float(sound.getnframes()) / float(sound.getframerate())


def test_every_language_of_the_kiosk_has_a_voice() -> None:
    assert set(VOICES) == set(LANGUAGES)


@needs_espeak
def test_espeak_ng_has_each_voice() -> None:
    for voice in VOICES.values():
        listed = subprocess.run(
            ["espeak-ng", f"--voices={voice}"], capture_output=True, text=True, check=True
        )
        assert len(listed.stdout.splitlines()) > 1, voice  # a header, then the voices


@needs_espeak
def test_a_french_sentence_becomes_a_wav_file_of_the_right_length() -> None:
    wav = synthesize(SENTENCES["fr"], "fr")
    assert wav[:4] == b"RIFF"
    assert wav[8:12] == b"WAVE"
    seconds = duration(wav)
    assert 0.3 < seconds < 30
    with wave.open(io.BytesIO(wav)) as sound:  # the sizes are the real ones
        assert sound.getnframes() * sound.getsampwidth() * sound.getnchannels() == len(wav) - 44


@needs_espeak
@pytest.mark.parametrize("language", ["en", "ar", "ro"])
def test_other_languages_are_read_too(language: str) -> None:
    assert duration(synthesize(SENTENCES[language], language)) > 0.3


@needs_espeak
def test_text_that_looks_like_an_option_is_read_not_obeyed(tmp_path: Path) -> None:
    target = tmp_path / "written.wav"
    wav = synthesize(f"-w {target} bonjour", "fr")
    assert duration(wav) > 0.3
    assert not target.exists()


def test_long_text_is_cut_at_a_word() -> None:
    text = "bonjour " * 500
    cut = shorten(text)
    assert len(cut) <= MAX_SPOKEN
    assert cut.endswith("bonjour")
    assert shorten("  deux\n mots ") == "deux mots"


def test_a_missing_program_says_how_to_install_it() -> None:
    with pytest.raises(SpeechUnavailable, match="apt-get install espeak-ng"):
        synthesize("bonjour", "fr", program="/nonexistent/espeak-ng")


def test_a_failing_program_is_reported() -> None:
    false = shutil.which("false")
    assert false is not None
    with pytest.raises(SpeechUnavailable, match="exit 1"):
        synthesize("bonjour", "fr", program=false)


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(SpeechUnavailable, match="no voice for language 'xx'"):
        synthesize("bonjour", "xx")
