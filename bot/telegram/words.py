"""What the Telegram channel itself says (linking, unsupported content, récap):
French msgids, translated in the person's language. Everything the
conversation says comes from the engine.
"""

from __future__ import annotations

from dialogs.messages import N_

HOW_TO_LINK = N_(
    "Bonjour. Ce robot continue la conversation Fil rouge commencée à la borne. "
    "Pour relier ce téléphone, écrivez /start suivi du code de votre feuille de sortie, "
    "ou scannez son QR code. Pas de feuille ? Demandez un code à votre CPIP."
)
REFUSED = N_(
    "Ce code ne marche pas. Vérifiez-le sur votre feuille de sortie et réessayez, "
    "ou demandez un nouveau code à votre CPIP."
)
TOO_MANY = N_(
    "Trop d'essais. Attendez une heure avant de réessayer, ou demandez de l'aide à votre CPIP."
)
DETACHED = N_(
    "Ce compte n'est plus relié à Fil rouge : la conversation continue sur un autre téléphone. "
    "Si ce n'est pas vous, parlez-en à votre CPIP."
)
UNSUPPORTED = N_("Je comprends seulement le texte et les boutons.")
BUSY = N_("Le service est occupé. Renvoyez votre message dans un instant.")
RECAP_TITLE = N_("Vos derniers messages :")
RECAP_EMPTY = N_("Pas encore de messages.")
RECAP_YOU = N_("Vous")
RECAP_US = N_("Fil rouge")
MENU_COMMAND = N_("Revenir au menu")
RECAP_COMMAND = N_("Voir mes derniers messages")
URGENT_COMMAND = N_("Aide urgente : qui appeler tout de suite")
URGENT_NUMBERS = N_(
    "Si c'est urgent, appelez le 112. Pour les soins, le 15. Si vous pensez au suicide, "
    "le 3114. Pour dormir ce soir, le 115. Si vous ne pouvez pas parler, un SMS au 114. "
    "Ces appels sont gratuits, jour et nuit."
)
"""`/urgence` from a phone not linked yet: no conversation, the numbers at once."""
LISTEN_COMMAND = N_("Écouter le dernier message")
VOICE_RECEIVED = N_(
    "Je ne comprends pas encore les messages vocaux. Voici mon dernier message, à écouter. "
    "Vous pouvez répondre avec les boutons."
)
NOTHING_TO_READ = N_("Pas encore de message à écouter.")
LISTEN_WORDS = {"ecouter", "lire", "listen"}  # compared folded: "Écouter" matches
RECAP_WORDS = {"recap"}  # compared folded: "Récap", "récap" and "RECAP" all match
