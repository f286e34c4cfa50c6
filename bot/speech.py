"""Reading text aloud: espeak-ng turns a message into a WAV file.

Channel-neutral: the kiosk serves the sound to its 🔊 buttons; Telegram sends it as a
voice note (Ogg Opus, `synthesize_voice_note`). espeak-ng runs as a separate program
(`apt-get install espeak-ng`; `scripts/install` does it), given the text as one
argument of an argument list, never through a shell, and stopped after
`TIMEOUT_SECONDS`.
"""

from __future__ import annotations

import shutil
import struct
import subprocess

VOICES = {"fr": "fr", "en": "en", "ar": "ar", "ro": "ro"}
"""espeak-ng's voice for each supported language."""
MAX_SPOKEN = 1000
"""Characters read at most: longer text is cut at a word, so a message can
never keep the program busy for long."""
WORDS_PER_MINUTE = 150
TIMEOUT_SECONDS = 10.0


class SpeechUnavailable(Exception):
    """The text could not be read aloud (espeak-ng missing, failing or too slow)."""


def synthesize(text: str, language: str, *, program: str = "espeak-ng") -> bytes:
    """Read `text` in `language` with espeak-ng; return a WAV file (16-bit mono).

    Raises :class:`SpeechUnavailable` with what went wrong and how to fix it.
    """
    voice = VOICES.get(language)
    if voice is None:
        raise SpeechUnavailable(f"no voice for language {language!r}; known: {sorted(VOICES)}")
    executable = shutil.which(program)
    if executable is None:
        raise SpeechUnavailable(
            f"{program!r} was not found: install espeak-ng (apt-get install espeak-ng, "
            "or scripts/install) or set FILROUGE_SPEECH_PROGRAM to its path"
        )
    # "--" ends the options: a text starting with "-" is read, not obeyed.
    command = [executable, "-v", voice, "--stdout", "-s", str(WORDS_PER_MINUTE)]
    command += ["--", shorten(text)]
    try:
        done = subprocess.run(  # noqa: S603 - an argument list, no shell
            command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise SpeechUnavailable(f"espeak-ng took more than {TIMEOUT_SECONDS:g} s") from exc
    except OSError as exc:
        raise SpeechUnavailable(f"espeak-ng could not be started: {exc}") from exc
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip()[:200]
        raise SpeechUnavailable(f"espeak-ng failed (exit {done.returncode}): {detail}")
    return fix_wav_sizes(done.stdout)


def synthesize_voice_note(
    text: str, language: str, *, program: str = "espeak-ng", encoder: str = "opusenc"
) -> bytes:
    """`text` read aloud as an Ogg Opus file: what Telegram plays as a voice message.

    espeak-ng's WAV goes through `opusenc` (Debian package `opus-tools`, installed by
    `scripts/install`), on stdin and stdout; raises :class:`SpeechUnavailable`.
    """
    wav = synthesize(text, language, program=program)
    executable = shutil.which(encoder)
    if executable is None:
        raise SpeechUnavailable(
            f"{encoder!r} was not found: install opus-tools (apt-get install opus-tools, "
            "or scripts/install) or set FILROUGE_VOICE_ENCODER to its path"
        )
    command = [executable, "--quiet", "--speech", "--bitrate", "24", "-", "-"]
    try:
        done = subprocess.run(  # noqa: S603 - an argument list, no shell
            command, input=wav, capture_output=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise SpeechUnavailable(f"opusenc took more than {TIMEOUT_SECONDS:g} s") from exc
    except OSError as exc:
        raise SpeechUnavailable(f"opusenc could not be started: {exc}") from exc
    if done.returncode != 0 or not done.stdout.startswith(b"OggS"):
        detail = done.stderr.decode(errors="replace").strip()[:200]
        raise SpeechUnavailable(f"opusenc failed (exit {done.returncode}): {detail}")
    return bytes(done.stdout)


def shorten(text: str, limit: int = MAX_SPOKEN) -> str:
    """`text` cut to `limit` characters, at the last space before the cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


def fix_wav_sizes(wav: bytes) -> bytes:
    """Write the real sizes into a WAV header.

    espeak-ng writing to a pipe cannot seek back, so it leaves placeholder
    sizes (about 2 GB): players then show a wrong duration and some refuse it.
    """
    if len(wav) < 12 or wav[:4] != b"RIFF" or wav[8:12] != b"WAVE":
        raise SpeechUnavailable("espeak-ng did not write a WAV file")
    fixed = bytearray(wav)
    struct.pack_into("<I", fixed, 4, len(wav) - 8)
    offset = 12
    while offset + 8 <= len(wav):
        name = wav[offset : offset + 4]
        (size,) = struct.unpack_from("<I", wav, offset + 4)
        if name == b"data":
            struct.pack_into("<I", fixed, offset + 4, len(wav) - offset - 8)
            return bytes(fixed)
        offset += 8 + size + (size & 1)
    raise SpeechUnavailable("espeak-ng wrote a WAV file without sound data")
