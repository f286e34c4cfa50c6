"""What the kiosk itself says (the pages' notices): French msgids, translated in
the templates with `_()`. Everything the conversation says comes from the engine.
"""

from __future__ import annotations

from dialogs.messages import N_
from dialogs.schema import AnswerKind

REFUSED = N_("Code ou code PIN incorrect. Vérifiez et réessayez.")
CROWDED = N_("Beaucoup de personnes se connectent en ce moment. Réessayez dans un instant.")
MISSING = N_("Écrivez votre code personnel et votre code PIN.")
IDLE = N_("Vous avez été déconnecté, car l'écran n'a pas servi pendant un moment.")
BYE = N_("Au revoir. Vous êtes déconnecté : plus rien de vous n'est à l'écran.")
EMPTY = N_("Votre message est vide. Écrivez quelques mots, ou appuyez sur un bouton.")
FORBIDDEN = N_("Cette page a expiré. Pour votre sécurité, recommencez depuis l'accueil.")
BUSY = N_("Le service est occupé. Votre message n'est pas perdu : appuyez à nouveau sur Envoyer.")
SPEECH_FAILED = N_("La lecture à voix haute ne marche pas pour le moment.")
MALFORMED = N_("Cette demande n'a pas pu être lue. Revenez à la conversation et réessayez.")


# The on-screen keyboard the field asks for, by the kind of answer.
INPUT_MODES: dict[AnswerKind, str] = {
    "yesno": "text",
    "date": "text",
    "time": "text",
    "number": "numeric",
    "phone": "tel",
    "text": "text",
    "moment": "text",
}
