"""The engine's own words: everything it says that no flow file holds.

`N_` only marks a msgid for `pybabel extract`; translation happens in the
channel, in the person's language.
"""

from __future__ import annotations

from dialogs.schema import AnswerKind


def N_(msgid: str) -> str:
    """Mark a string for extraction without translating it here."""
    return msgid


WELCOME_BACK = N_("Bon retour, {first_name}. On reprend où vous en étiez.")
CLOSED = N_("Cette question est fermée. Voici la question en cours.")
NOT_UNDERSTOOD = N_("Je n'ai pas compris. Choisissez un bouton, ou écrivez « menu ».")
OFFER_HELP = N_(
    "Vous pouvez demander de l'aide à un conseiller. Appuyez sur « Parler à un conseiller »."
)
HELP_BUTTON = N_("Parler à un conseiller")
MENU_BUTTON = N_("Menu")
URGENT_BUTTON = N_("Aide urgente")
HANDOFF_SENT = N_("C'est noté. Un conseiller va lire votre message et vous répondre.")
CHECKLIST_DONE = N_("C'est fait")
YES = N_("Oui")
NO = N_("Non")
RELEASED = N_(
    "Votre sortie est enregistrée. Vous pouvez continuer sur votre téléphone, avec Telegram."
)
LINKED = N_("Bonjour {first_name}. Votre téléphone est relié. On reprend où vous en étiez.")
LOOP_GUARD = N_("Un problème est survenu. On revient au menu.")
PLAN_TITLE = N_("Mon plan")
NOTHING_YET = N_("Rien à faire ici pour le moment.")

RETRY: dict[AnswerKind, str] = {
    "yesno": N_("Répondez par oui ou par non."),
    "date": N_("Écrivez une date comme ceci : 14/03/2027."),
    "time": N_("Écrivez une heure comme ceci : 14h30."),
    "number": N_("Écrivez un nombre, avec des chiffres."),
    "phone": N_("Écrivez un numéro de téléphone français, par exemple 06 12 34 56 78."),
    "text": N_("Écrivez une réponse courte, 500 caractères au plus."),
    "moment": N_("Je n'ai pas compris la date. Écrivez par exemple : mardi 14h, ou 3/12 à 9h30."),
}

# A hint shown with a question, by the kind of answer it expects (every channel).
HINTS: dict[AnswerKind, str] = {
    "yesno": N_("Appuyez sur Oui ou Non, ou écrivez-le."),
    "date": N_("Une date, par exemple : 14/03/2027"),
    "time": N_("Une heure, par exemple : 14h30"),
    "number": N_("Un nombre, avec des chiffres"),
    "phone": N_("Un numéro, par exemple : 06 12 34 56 78"),
    "text": N_("Une réponse courte"),
    "moment": N_("Le jour et l'heure, par exemple : mardi 14h, ou 3/12 à 9h30"),
}

DOMAINS: dict[str, str] = {
    "sante": N_("Santé"),
    "logement": N_("Logement"),
    "papiers": N_("Papiers"),
    "emploi": N_("Emploi"),
    "justice": N_("Justice"),
}

MENU_WORDS = {"menu", "accueil", "home", "retour", "قائمة", "meniu"}
HELP_WORDS = {"aide", "help", "conseiller", "cpip", "مساعدة", "ajutor"}
URGENT_WORDS = {"urgence", "urgent", "aide urgente", "sos", "emergency", "urgență", "طوارئ"}
"""Typed alone, these open the safety net like the "Aide urgente" button."""
DONE_WORDS = {"fini", "c'est fait", "cest fait", "termine", "done", "ok", "gata"}

NO_SERVICE = N_(
    "Je n'ai pas encore l'adresse pour votre région. Demandez-la à votre CPIP ou à un conseiller."
)
SAMPLE_SERVICE = N_("(exemple de démonstration, pas une vraie adresse)")
CV_TITLE = N_("Mon CV")
CV_FIELDS: dict[str, str] = {
    "cv_job": N_("Le travail que je cherche"),
    "cv_experience": N_("Mon expérience"),
    "cv_training": N_("Mes formations"),
    "cv_skills": N_("Ce que je sais faire"),
    "cv_languages": N_("Les langues que je parle"),
    "cv_phone": N_("Mon téléphone"),
}
"""The answers a CV is made of, in the order of the page."""

DISTRESS_FLOW = "detresse"
"""The safety net: opened by "Aide urgente" and by words of distress
(`dialogs/phrases/safety/*.yaml`), wherever the person is."""

OFFER_ONE = N_("Je vous propose ce guide :")
OFFER_SOME = N_("Ces guides peuvent vous aider. Lequel voulez-vous ouvrir ?")
OFFER_NONE = N_("Non, merci")
"""The guides found for a typed sentence, offered as buttons (see `engine._offer`)."""

SMALL_TALK: dict[str, str] = {
    "confused": N_(
        "Ce n'est pas grave. Prenez votre temps. Un conseiller peut aussi vous aider : "
        "appuyez sur « Parler à un conseiller »."
    ),
    "thanks": N_("Avec plaisir."),
    "greeting": N_("Bonjour {first_name}. Je suis là pour vous aider."),
    "yes": N_("D'accord. Appuyez sur un bouton, ou écrivez ce que vous cherchez."),
    "no": N_("D'accord. Appuyez sur un bouton, ou écrivez ce que vous cherchez."),
    "what_is": N_("Quel mot voulez-vous comprendre ? Écrivez par exemple : c'est quoi le SIAO."),
}
"""Ordinary words that are neither an answer nor a topic, and what Fil rouge
answers before asking its question again (`dialogs/phrases/smalltalk.yaml`)."""

APPOINTMENT_GONE = N_("Ce rendez-vous n'est plus dans votre liste.")
APPOINTMENT_CANCELLED = N_("Ce rendez-vous a été annulé. Vous n'avez pas à y aller.")
APPOINTMENT_ALREADY = N_("C'est déjà noté.")
APPOINTMENT_NOTED = N_("C'est noté.")
"""Answers to a card's button that needs no flow: the appointment is gone, cancelled,
or the answer was already given."""
