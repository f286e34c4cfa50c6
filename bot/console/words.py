"""What the console itself says (notices and refusals): French msgids, translated in
the templates with `_()`."""

from __future__ import annotations

from dialogs.messages import N_

REFUSED = N_("Identifiant ou mot de passe incorrect.")
MISSING = N_("Écrivez votre identifiant et votre mot de passe.")
IDLE = N_("Vous avez été déconnecté après un moment sans activité. Reconnectez-vous.")
EXPIRED = N_("Votre session a duré trop longtemps. Reconnectez-vous.")
ENDED = N_("Votre session est terminée. Reconnectez-vous.")
BYE = N_("Vous êtes déconnecté.")
FORBIDDEN = N_("Cette page a expiré. Rechargez-la, puis recommencez.")
NOT_FOUND = N_("Cette page n'existe pas, ou elle ne vous est pas ouverte.")
MALFORMED = N_("Cette demande n'a pas pu être lue.")
BUSY = N_("La base de données est occupée. Rien n'a été enregistré : réessayez dans un instant.")
EMPTY_NOTE = N_("La note est vide.")
EMPTY_MESSAGE = N_("Le message est vide.")
TOO_LONG = N_("Ce texte est trop long.")
NOTE_SAVED = N_("Note enregistrée.")
SENT_TELEGRAM = N_("Message envoyé : il part sur Telegram.")
SENT_KIOSK = N_("Message enregistré : la personne le lira à la borne.")
BAD_DATE = N_("Cette date n'a pas pu être lue.")
DATE_SAVED = N_("Date de sortie prévue enregistrée.")
RELEASED = N_("La sortie est enregistrée ; la conversation passe dehors.")
ALREADY_RELEASED = N_("La personne était déjà sortie.")
FOLLOWUP_ENDED = N_("Le suivi est clos.")
FOLLOWUP_REOPENED = N_("Le suivi est rouvert.")
FLAG_DEALT = N_("Signalement traité.")
FLAG_GONE = N_("Ce signalement était déjà traité.")
ACCOUNT_ADDED = N_("Compte créé.")
ACCOUNT_DISABLED = N_("Compte désactivé : ses sessions sont fermées.")
ASSIGNED = N_("Suivi attribué.")
UNASSIGNED = N_("Suivi retiré.")
NOTHING_CHANGED = N_("Rien n'a changé.")
ERASED = N_("Les données de la personne sont effacées.")
WRONG_CONFIRMATION = N_("Le code tapé n'est pas celui de la personne : rien n'a été effacé.")

ACCOUNT_REFUSALS = {
    "bad_login": N_(
        "Un identifiant a 2 à 63 caractères : lettres minuscules, chiffres, « . », « _ » ou « - »."
    ),
    "login_taken": N_("Cet identifiant est déjà pris."),
    "bad_name": N_("Le nom est obligatoire (200 caractères au plus)."),
    "short_password": N_("Un mot de passe a au moins 12 caractères."),
    "no_account": N_("Aucun compte n'a cet identifiant."),
    "no_person": N_("Aucune personne n'a ce code."),
}

SITUATIONS = {
    "inside": N_("Dedans"),
    "released": N_("Sortie"),
}
PROGRESS = {
    "done": N_("fait"),
    "started": N_("en cours"),
    "not_started": N_("pas commencé"),
}
CHANNELS = {
    "kiosk": N_("Borne"),
    "telegram": N_("Telegram"),
    "system": N_("Système"),
    "counsellor": N_("Conseiller"),
}
ROLES = {
    "cpip": N_("CPIP"),
    "partner": N_("Partenaire"),
    "admin": N_("Administrateur"),
}
FLAG_REASONS = {
    "counsellor": N_("A demandé un conseiller"),
    "distress": N_("Détresse"),
    "cannot_come": N_("Ne peut pas venir"),
    "missed": N_("Rendez-vous manqué"),
    "unreachable": N_("Injoignable"),
}
FLAG_CHANNELS = {
    "kiosk": N_("À la borne"),
    "telegram": N_("Sur Telegram"),
}
FLAG_IN_GUIDE = N_("Dans le guide « {guide} »")
FLAG_WHY = N_("Raison :")
FLAG_WROTE = N_("A écrit :")
FLAG_WENT = N_("La personne a répondu ensuite qu'elle y était.")
APPOINTMENT_STATUSES = {
    "planned": N_("prévu"),
    "confirmed": N_("confirmé"),
    "cannot_come": N_("ne peut pas venir"),
    "done": N_("fait"),
    "missed": N_("manqué"),
    "cancelled": N_("annulé"),
}
REMINDER_LABELS = {
    "follow-up": N_("le lendemain"),
}
"""How a reminder's label reads ("J-7", "H-2" are read as they are)."""
REMINDER_OUTCOMES = {
    "sent": N_("envoyé"),
    "dropped": N_("abandonné"),
    "cancelled": N_("annulé"),
    "failed": N_("échec"),
}
APPOINTMENT_ADDED = N_("Rendez-vous ajouté : la personne est prévenue et ses rappels sont prévus.")
APPOINTMENT_MOVED = N_("Rendez-vous déplacé : la personne est prévenue et ses rappels suivent.")
APPOINTMENT_CANCELLED = N_("Rendez-vous annulé : ses rappels ne partiront pas.")
APPOINTMENT_DONE = N_("Rendez-vous marqué comme fait.")
APPOINTMENT_MISSED = N_("Rendez-vous marqué comme manqué.")
APPOINTMENT_REFUSALS = {
    "unreadable": N_("Choisissez le jour et l'heure du rendez-vous."),
    "past": N_("Ce moment est déjà passé : vérifiez le jour et l'heure."),
    "too_far": N_("Ce moment est dans plus de deux ans : vérifiez l'année."),
    "skipped_hour": N_(
        "Cette heure n'existe pas cette nuit-là : on passe de 2 h à 3 h (heure d'été). "
        "Vérifiez l'heure sur la convocation."
    ),
    "repeated_hour": N_(
        "Cette heure existe deux fois cette nuit-là : on revient de 3 h à 2 h (heure d'hiver). "
        "Vérifiez la convocation, puis choisissez une heure juste avant ou juste après."
    ),
    "unknown_kind": N_("Choisissez le type de rendez-vous dans la liste."),
    "closed": N_("Ce rendez-vous est annulé ou fait : il ne change plus. Ajoutez-en un nouveau."),
}
"""What to fix, by the reason `bot.appointments.Refused` gives."""
FIELD_TOO_LONG = N_("« %(field)s » est trop long : %(num)d caractères au plus.")
APPOINTMENT_FIELDS = {
    "place": N_("Lieu"),
    "address": N_("Adresse"),
    "with_whom": N_("Avec qui"),
    "bring": N_("À apporter"),
}
WHO = {
    "person": N_("La personne"),
    "filrouge": N_("Fil rouge"),
    "counsellor": N_("Conseiller"),
    "system": N_("Système"),
}
LANGUAGE_NAMES = {"fr": "Français", "ar": "العربية", "en": "English", "ro": "Română"}
"""Each language named in itself (not translated)."""
EVENTS = {
    "start": N_("Connexion à la borne"),
    "resume": N_("Retour sur Telegram"),
    "linked": N_("Téléphone relié"),
    "released": N_("Sortie enregistrée"),
}
"""What the system events of a transcript were."""
