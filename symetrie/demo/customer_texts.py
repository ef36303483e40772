"""What the demo's customers talk about: interaction topics, campaigns and handoff notes.

Written by hand in French, as employees write them in a French bank's CRM. The lists are
ordered: the generator draws from them with a seeded generator, so reordering an entry
changes the demo generated for a given seed. Placeholders in braces ({montant}, {ville}...)
are filled by the generator (see `Slots`); the texts hold no tab, newline or
backslash, so they go into COPY as they are.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from symetrie.demo.names import COHORT_FIRST_NAMES, LAST_NAMES, MERCHANTS, TOWNS


@dataclass(frozen=True)
class Topic:
    """Something a customer contacts the bank about (or the bank the customer)."""

    subject: str
    # What was said, each with the outcomes that can follow it.
    variants: tuple[tuple[str, tuple[str, ...]], ...]
    # Channel → weight of this topic among that channel's contacts.
    channels: tuple[tuple[str, int], ...]
    # Handled by an adviser (a meeting, a loan, a complaint), not by whoever is at the desk.
    advice: bool = False
    # Only for customers of these segments (empty: everyone).
    segments: tuple[str, ...] = ()


Said = str | tuple[str, ...]


def _t(
    subject: str,
    summaries: tuple[Said, ...],
    outcomes: tuple[str, ...],
    *channels: tuple[str, int],
    advice: bool = False,
    segments: tuple[str, ...] = (),
) -> Topic:
    """A topic; a summary given as a tuple (summary, outcome, ...) has its own outcomes, a
    plain one any of `outcomes`."""
    variants = tuple(
        (said, outcomes) if isinstance(said, str) else (said[0], said[1:]) for said in summaries
    )
    return Topic(subject, variants, channels, advice, segments)


TOPICS: tuple[Topic, ...] = (
    # ---- everyday banking, mostly self-service
    _t("Virement externe",
       ("Virement de {montant} vers {beneficiaire}.",
        "Virement de {loyer} vers {beneficiaire} (loyer).",
        "Virement instantané de {montant} vers {beneficiaire}.",
        ("Virement permanent mensuel de {petit_montant} vers {beneficiaire} mis en place.",
         "Programmé")),
       ("Exécuté",),
       ("app", 30), ("web", 20)),
    _t("Ajout d'un bénéficiaire",
       ("Nouveau bénéficiaire {beneficiaire}, validé par authentification forte.",
        "Ajout du RIB de {beneficiaire} pour le remboursement d'un week-end."),
       ("Bénéficiaire actif",),
       ("app", 8), ("web", 5)),
    _t("Versement sur un livret",
       ("Versement de {petit_montant} du compte courant vers le Livret A.",
        "Versement de {montant} vers le LDDS.",
        ("Virement automatique de {petit_montant} par mois vers le Livret A mis en place.",
         "Programmé")),
       ("Exécuté",),
       ("app", 10), ("web", 8)),
    _t("Relevé de compte",
       ("Relevé de {mois} téléchargé.",
        "Relevés des trois derniers mois téléchargés (dossier de location)."),
       ("Téléchargé",),
       ("app", 7), ("web", 14)),
    _t("RIB téléchargé",
       ("RIB téléchargé pour un nouvel employeur.", "RIB téléchargé pour la CAF.",
        "RIB envoyé par e-mail au bailleur."),
       ("Téléchargé",),
       ("app", 5), ("web", 6)),
    _t("Carte verrouillée temporairement",
       (("Carte verrouillée depuis l'application : le client ne la trouve plus.",
         "Carte verrouillée"),
        ("Carte verrouillée le soir, retrouvée dans une poche et déverrouillée le lendemain.",
         "Carte déverrouillée")),
       (),
       ("app", 6)),
    _t("Plafond de carte modifié",
       ("Plafond de paiement relevé à {plafond} pour 30 jours (achat prévu chez {commercant}).",
        "Plafond de retrait relevé à {plafond} pour un voyage."),
       ("Effectué en autonomie",),
       ("app", 6), ("web", 2)),
    _t("Plafond de carte",
       ("Demande de relèvement du plafond de paiement à {plafond} pour un achat chez "
        "{commercant}.",),
       ("Plafond relevé pour 30 jours", "Client guidé pour le faire dans l'application"),
       ("chat", 3)),
    _t("Paiement mobile activé",
       ("Carte ajoutée à Apple Pay.", "Carte ajoutée à Google Pay.",
        "Carte ajoutée au paiement sans contact par téléphone."),
       ("Activé",),
       ("app", 3)),
    _t("Simulation de prêt",
       ("Simulation de prêt immobilier : {capital} sur {duree} ans.",
        "Simulation de prêt {objet_conso} : {montant_conso} sur {duree_conso} mois."),
       ("Simulation enregistrée", "Simulation enregistrée, rendez-vous proposé"),
       ("app", 4), ("web", 12)),
    _t("Contestation d'une opération carte",
       ("Paiement de {montant} chez {commercant} non reconnu par le client.",
        "Paiement débité deux fois chez {commercant} ({petit_montant})."),
       ("Dossier de contestation ouvert", "Remboursement provisoire effectué"),
       ("app", 3), ("web", 3), ("phone", 4)),
    _t("Changement d'adresse",
       ("Nouvelle adresse à {ville} saisie en ligne, justificatif de domicile déposé.",),
       ("Coordonnées mises à jour", "En attente de validation du justificatif"),
       ("app", 2), ("web", 4)),
    _t("Changement d'adresse",
       ("Déménagement à {ville} : nouvelle adresse enregistrée, justificatif de domicile "
        "fourni.",),
       ("Coordonnées mises à jour",),
       ("branch", 4), ("letter", 2)),
    _t("Demande de devis d'assurance",
       ("Devis assurance habitation pour un {logement} à {ville}.",
        "Devis assurance auto pour une voiture d'occasion."),
       ("Devis envoyé par e-mail", "Devis remis, le client réfléchit"),
       ("web", 4), ("branch", 2)),
    _t("Rendez-vous pris en ligne",
       ("Rendez-vous pris en ligne avec le conseiller : {motif_rdv}.",),
       ("Rendez-vous confirmé",),
       ("web", 8), ("app", 3)),
    # ---- at the branch
    _t("Dépôt de chèques",
       ("Remise de {nb} chèques pour {montant}.", "Remise d'un chèque de {montant}."),
       ("Remis en banque",),
       ("branch", 12)),
    _t("Retrait d'espèces au guichet",
       ("Retrait de {montant} au guichet (plafond du distributeur atteint).",),
       ("Effectué",),
       ("branch", 5)),
    _t("Remise de chéquier",
       (("Chéquier remis en main propre.", "Remis"),
        ("Chéquier demandé, à retirer en agence la semaine prochaine.", "Commandé")),
       (),
       ("branch", 5)),
    _t("Carte bloquée",
       (("Carte bloquée après trois codes erronés.", "Carte débloquée au guichet"),
        ("Carte avalée par le distributeur de l'agence.", "Carte récupérée et rendue au client",
         "Nouvelle carte commandée, réception sous 5 jours ouvrés"),
        ("Carte démagnétisée, les paiements sont refusés.",
         "Nouvelle carte commandée, réception sous 5 jours ouvrés")),
       (),
       ("branch", 8)),
    _t("Carte bloquée",
       (("Carte bloquée après trois codes erronés.", "Code réinitialisé, envoyé par courrier"),
        ("Carte refusée chez les commerçants depuis ce matin.",
         "Nouvelle carte commandée, réception sous 5 jours ouvrés",
         "Incident résolu : plafond atteint, relevé temporairement")),
       (),
       ("phone", 3), ("chat", 2)),
    _t("Rendez-vous prêt immobilier",
       (("Étude de financement pour l'achat d'un {logement} à {ville} : {capital} sur {duree} "
         "ans, apport de {apport}.",
         "Dossier complet, transmis pour accord", "Offre de prêt éditée",
         "Pièces manquantes : avis d'imposition et bulletins de salaire",
         "Le client compare avec une autre banque"),
        ("Renégociation du prêt immobilier en cours : le client a une offre concurrente.",
         "Avenant proposé au taux du marché", "Le client compare avec une autre banque"),
        ("Signature de l'offre de prêt pour l'achat d'un {logement} à {ville}.",
         "Offre signée, fonds débloqués à la date de l'acte")),
       (),
       ("branch", 7), advice=True,
       segments=("particulier", "premium", "patrimonial", "jeune")),
    _t("Bilan annuel",
       (("Point sur les comptes et l'épargne ; proposition d'ouvrir une assurance vie.",
         "Client intéressé, rappel dans 15 jours", "Assurance vie ouverte",
         "Pas de besoin identifié"),
        ("Point annuel : revenus en hausse, épargne de précaution à constituer.",
         "Virement automatique vers le Livret A mis en place", "Client intéressé, rappel dans "
         "15 jours"),
        ("Revue du budget et des prélèvements avec le client.",
         "Deux abonnements inutiles résiliés", "Pas de besoin identifié")),
       (),
       ("branch", 8), ("phone", 2), advice=True),
    _t("Bilan patrimonial",
       ("Revue de l'allocation de l'assurance vie et des unités de compte.",
        "Transmission du patrimoine : donation aux enfants évoquée, rendez-vous notaire à "
        "prévoir.",
        "Placement de {gros_montant} suite à la vente d'un bien immobilier."),
       ("Arbitrage réalisé", "Proposition écrite envoyée",
        "Rendez-vous avec la gestion privée fixé"),
       ("branch", 10), ("phone", 4), advice=True, segments=("patrimonial", "premium")),
    _t("Réclamation frais",
       ("Conteste {frais} de commissions d'intervention prélevées ce mois-ci.",
        "Conteste les frais de tenue de compte.",
        "Conteste des frais de rejet de prélèvement de {frais}."),
       ("Frais remboursés à titre commercial", "Frais maintenus, explications données",
        "Réclamation transmise au service client"),
       ("branch", 5), ("phone", 5), ("email", 4), advice=True),
    _t("Ouverture d'un livret",
       ("Ouverture d'un {livret} avec un premier versement de {petit_montant}.",),
       ("Livret ouvert",),
       ("branch", 4), ("web", 2), advice=True),
    _t("Prêt personnel",
       ("Demande de prêt {objet_conso} de {montant_conso} sur {duree_conso} mois.",),
       ("Accordé", "En étude", "Refusé : taux d'endettement trop élevé"),
       ("branch", 3), ("phone", 2), ("web", 2), advice=True),
    _t("Assurance habitation",
       (("Souscription d'une assurance habitation pour un {logement} à {ville}.",
         "Contrat signé", "Devis remis, le client réfléchit"),
        ("Déclaration d'un dégât des eaux dans la salle de bains.",
         "Sinistre déclaré, expert mandaté")),
       (),
       ("branch", 3), ("phone", 3), advice=True),
    _t("Procuration sur le compte",
       ("Procuration donnée à {beneficiaire} sur le compte courant.",),
       ("Procuration enregistrée",),
       ("branch", 2), advice=True),
    _t("Succession",
       ("Ouverture du dossier de succession suite au décès du conjoint ; notaire : "
        "Maître {nom}.",),
       ("Dossier transmis au service successions",),
       ("branch", 1), ("letter", 1), advice=True),
    _t("Rendez-vous professionnel",
       (("Point trésorerie de l'entreprise ; besoin d'une facilité de caisse de {montant_pro}.",
         "Facilité de caisse accordée", "Dossier en étude"),
        ("Financement d'un véhicule utilitaire : {montant_pro} sur 48 mois.",
         "Crédit accordé", "Dossier en étude"),
        ("Mise en place d'un terminal de paiement pour le commerce.", "Terminal commandé")),
       (),
       ("branch", 14), ("phone", 10), ("email", 6), advice=True,
       segments=("professionnel",)),
    # ---- on the phone
    _t("Opposition carte",
       ("Carte volée dans les transports : opposition faite.",
        "Carte perdue pendant un voyage : opposition et commande d'une nouvelle carte."),
       ("Opposition enregistrée, nouvelle carte commandée",),
       ("phone", 8), ("app", 1)),
    _t("Suivi du dossier de prêt",
       (("Le client demande où en est son offre de prêt immobilier.",
         "Rappel prévu sous 48 h", "Offre envoyée, délai de réflexion de 10 jours rappelé"),
        ("Le notaire attend le déblocage des fonds pour la signature.",
         "Fonds débloqués", "Rappel prévu sous 48 h")),
       (),
       ("phone", 6), ("email", 3), advice=True),
    _t("Question sur un prélèvement",
       (("Prélèvement de {petit_montant} de {commercant} non identifié.",
         "Mandat vérifié, prélèvement légitime", "Opposition au prélèvement enregistrée"),
        ("Prélèvement de la taxe foncière plus élevé que prévu.",
         "Explications données : mensualisation recalculée")),
       (),
       ("phone", 6), ("chat", 2)),
    _t("Autorisation de découvert",
       ("Demande d'augmentation temporaire du découvert autorisé à {decouvert}.",),
       ("Accordé jusqu'à la fin du mois", "Refusé, échéancier proposé"),
       ("phone", 5), ("branch", 2), advice=True),
    _t("Appel de courtoisie",
       (("Appel du conseiller pour proposer un rendez-vous bilan.",
         "Rendez-vous fixé", "Client non intéressé", "Message laissé sur le répondeur"),
        ("Appel du conseiller après l'ouverture du compte : tout fonctionne.",
         "Client satisfait")),
       (),
       ("phone", 8), advice=True),
    _t("Code d'accès oublié",
       ("Le client n'arrive plus à se connecter à l'application.",
        "Compte en ligne bloqué après trois essais."),
       ("Accès réinitialisé, nouveau code envoyé par SMS",),
       ("phone", 4), ("chat", 5)),
    _t("Virement en attente",
       ("Virement de {montant} vers {beneficiaire} bloqué par le contrôle anti-fraude.",),
       ("Virement validé après vérification",),
       ("phone", 3), ("chat", 2)),
    _t("Prise de rendez-vous",
       ("Rendez-vous demandé pour {motif_rdv}.",),
       ("Rendez-vous fixé en agence", "Rendez-vous téléphonique fixé"),
       ("phone", 5), ("email", 4)),
    # ---- secure messaging, chat, social media, letters
    _t("Envoi de justificatifs",
       ("Le client envoie {piece} pour son dossier.",),
       ("Pièces ajoutées au dossier",),
       ("email", 6)),
    _t("Demande d'attestation",
       ("Demande d'une attestation de {attestation}.",),
       ("Attestation envoyée",),
       ("email", 5), ("chat", 1)),
    _t("Réclamation",
       (("Attente de plus de 20 minutes au téléphone sans réponse.",
         "Excuses présentées, rappel par le conseiller", "Réponse apportée, geste commercial "
         "de {geste}"),
        ("Le client n'a jamais reçu sa nouvelle carte.", "Excuses présentées, carte renvoyée"),
        ("Virement parti en retard, le loyer a été payé avec des pénalités.",
         "Pénalités remboursées", "Réclamation transmise au service client")),
       (),
       ("email", 3), ("letter", 3), ("social", 2), advice=True),
    _t("Carte à l'étranger",
       ("Le client part en voyage ({pays}) : vérification des plafonds et des frais hors zone "
        "euro.",),
       ("Plafonds adaptés pour le voyage",),
       ("chat", 3), ("phone", 2)),
    _t("Question sur le virement instantané",
       ("Le client demande si le virement instantané est payant.",),
       ("Réponse donnée : gratuit",),
       ("chat", 4)),
    _t("Message sur les réseaux sociaux",
       (("Signale que l'application ne fonctionne plus depuis ce matin.",
         "Réponse publique, incident résolu dans la journée"),
        ("Demande pourquoi sa carte est refusée à l'étranger.",
         "Orienté vers la messagerie sécurisée")),
       (),
       ("social", 5)),
    _t("Avis en ligne",
       ("Avis deux étoiles sur l'attente en agence.",
        "Avis cinq étoiles : remercie son conseiller pour sa réactivité."),
       ("Réponse publiée",),
       ("social", 3)),
    _t("Courrier de résiliation",
       ("Lettre recommandée de résiliation de l'assurance auto.",
        "Résiliation de l'assurance habitation suite à un déménagement."),
       ("Résiliation enregistrée",),
       ("letter", 3)),
)  # fmt: skip

# A new customer's first visit.
ACCOUNT_OPENING = _t(
    "Ouverture de compte",
    (
        "Ouverture d'un compte courant avec carte {carte} ; {livret} ouvert en même temps.",
        "Ouverture d'un compte courant suite à un changement de banque (mobilité bancaire).",
    ),
    ("Compte ouvert, carte commandée",),
    ("branch", 1),
    advice=True,
)

# Placeholder values (see customers.Slots for the numbers).
LIVRETS: tuple[str, ...] = ("Livret A", "LDDS", "Livret Jeune", "PEL", "CEL")
LOGEMENTS: tuple[str, ...] = (
    "appartement T2", "appartement T3", "appartement T4", "maison de 4 pièces", "maison avec "
    "jardin", "studio",
)  # fmt: skip
OBJETS_CONSO: tuple[str, ...] = ("auto", "travaux", "étudiant", "personnel", "moto")
MOTIFS_RDV: tuple[str, ...] = (
    "un projet immobilier", "un bilan d'épargne", "un prêt auto", "la préparation de la "
    "retraite", "l'ouverture d'un compte pour un enfant", "un changement de situation "
    "familiale",
)  # fmt: skip
PIECES: tuple[str, ...] = (
    "ses trois derniers bulletins de salaire", "son avis d'imposition", "un justificatif de "
    "domicile", "le compromis de vente", "une pièce d'identité en cours de validité",
)  # fmt: skip
ATTESTATIONS: tuple[str, ...] = (
    "domiciliation bancaire",
    "solde de prêt",
    "capital restant dû",
    "détention de compte",
)
CARTES: tuple[str, ...] = ("Visa Classic", "Visa Premier", "Mastercard", "Visa Infinite")
PAYS: tuple[str, ...] = (
    "Canada",
    "Japon",
    "Maroc",
    "États-Unis",
    "Royaume-Uni",
    "Thaïlande",
    "Sénégal",
    "Mexique",
)
MOIS: tuple[str, ...] = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip


@dataclass(frozen=True)
class CampaignSpec:
    code: str
    name: str
    channel: str
    message: str
    offer: str  # empty: information only
    audience: tuple[str, ...]  # segments; empty: every customer
    product: str  # what a customer who converts takes out


CAMPAIGNS: tuple[CampaignSpec, ...] = (
    CampaignSpec(
        "PRET-IMMO", "Prêt immobilier : taux fixe bonifié", "email",
        "Votre projet immobilier mérite un taux fixe bonifié : prenez rendez-vous avec votre "
        "conseiller.",
        "Taux fixe bonifié de 0,20 point et frais de dossier offerts",
        ("particulier", "premium", "patrimonial"), "Prêt immobilier"),
    CampaignSpec(
        "LIVRET-JEUNE", "Livret Jeune : votre épargne à 3 %", "app",
        "Vous avez entre 12 et 25 ans ? Ouvrez votre Livret Jeune en deux minutes.",
        "10 € offerts à l'ouverture", ("jeune",), "Livret Jeune"),
    CampaignSpec(
        "MRH-2MOIS", "Assurance habitation : 2 mois offerts", "email",
        "Assurez votre logement chez nous : 2 mois offerts la première année.",
        "2 mois de cotisation offerts", (), "Assurance habitation"),
    CampaignSpec(
        "CARTE-PREMIER", "Carte Visa Premier : cotisation offerte", "email",
        "Voyagez couvert : la Visa Premier, sa cotisation offerte la première année.",
        "Cotisation offerte la première année", ("premium", "particulier"), "Carte Visa Premier"),
    CampaignSpec(
        "APPLI-PAIEMENT", "Payez avec votre téléphone", "app",
        "Ajoutez votre carte à votre téléphone et payez sans contact, partout.",
        "", (), "Paiement mobile"),
    CampaignSpec(
        "PRET-ETUDIANT", "Prêt étudiant à taux zéro", "email",
        "Financez vos études sans intérêts, remboursement différé jusqu'au premier emploi.",
        "Taux à 0 % jusqu'à 15 000 €", ("jeune",), "Prêt étudiant"),
    CampaignSpec(
        "PACK-PRO", "Pack Pro : terminal de paiement offert 6 mois", "email",
        "Encaissez vos clients par carte : le terminal de paiement offert pendant 6 mois.",
        "Location du terminal offerte 6 mois", ("professionnel",), "Terminal de paiement"),
    CampaignSpec(
        "ASSURANCE-VIE", "Assurance vie : bonus sur vos versements", "email",
        "Un bonus de 1 % sur vos versements en unités de compte jusqu'à la fin de l'offre.",
        "Bonus de 1 % sur les versements en unités de compte", ("patrimonial", "premium"),
        "Versement en assurance vie"),
    CampaignSpec(
        "PRET-RENOV", "Rénovation énergétique : prêt travaux", "email",
        "Isolation, pompe à chaleur : financez vos travaux à taux réduit.",
        "Taux réduit de 1,9 % pour les travaux de rénovation énergétique",
        ("particulier", "premium"), "Prêt travaux"),
    CampaignSpec(
        "PARRAINAGE", "Parrainage : 80 € pour vous et votre filleul", "app",
        "Recommandez la banque à un proche : 80 € pour chacun à l'ouverture de son compte.",
        "80 € pour le parrain et 80 € pour le filleul", (), "Parrainage"),
    CampaignSpec(
        "PER", "Épargne retraite : frais d'entrée offerts", "email",
        "Préparez votre retraite et réduisez vos impôts avec le Plan d'épargne retraite.",
        "Frais d'entrée offerts", ("premium", "patrimonial", "professionnel"),
        "Plan d'épargne retraite"),
    CampaignSpec(
        "CREDIT-AUTO", "Crédit auto : taux promotionnel", "social",
        "Une voiture neuve ou d'occasion ? Profitez de notre taux promotionnel.",
        "Taux promotionnel de 3,5 % sur 48 mois", ("particulier", "jeune"), "Crédit auto"),
    CampaignSpec(
        "SECURITE", "Sécurité : la nouvelle validation des paiements", "email",
        "Nous ne vous demanderons jamais vos codes par téléphone : découvrez comment valider "
        "vos paiements en toute sécurité.",
        "", (), "Validation sécurisée"),
)  # fmt: skip

# Topics of interactions that follow a campaign (linked to it).
CAMPAIGN_CLICK = ("Offre consultée", "A consulté l'offre « {campagne} » depuis le message reçu.")
CAMPAIGN_QUESTION = (
    "Question sur une offre",
    "Le client demande les conditions de l'offre « {campagne} ».",
    ("Conditions expliquées", "Rendez-vous fixé pour en parler"),
)
CAMPAIGN_CONVERSION = (
    "Souscription : {produit}",
    "Souscription suite à la campagne « {campagne} ».",
    "Souscrit",
)

# Handoff notes, as advisers write them for whoever sees the customer next: (the subject of
# the contact after which the note was written, the note, that contact's outcome).
HANDOFF_NOTES: tuple[tuple[str, str, str], ...] = (
    ("Suivi du dossier de prêt",
     "Attend son offre de prêt immobilier (accord de l'assureur emprunteur en cours). S'il "
     "appelle : le dossier est complet côté agence, délai annoncé 10 jours, ne pas lui "
     "redemander de pièces.",
     "Dossier complet, en attente de l'assureur"),
    ("Réclamation frais",
     "A contesté des frais d'incident ce mois-ci : remboursement accordé une fois, à ne pas "
     "renouveler sans m'en parler.",
     "Frais remboursés à titre commercial"),
    ("Carte bloquée",
     "Nouvelle carte commandée après blocage, à remettre en main propre : vérifier la pièce "
     "d'identité.",
     "Nouvelle carte commandée"),
    ("Changement d'adresse",
     "Déménage à {ville} à la fin du mois : tient à garder son conseiller, ne pas proposer le "
     "transfert d'agence.",
     "Coordonnées mises à jour"),
    ("Succession",
     "Succession en cours (décès du conjoint) : cliente très éprouvée, ne pas la solliciter "
     "pour des offres commerciales.",
     "Dossier transmis au service successions"),
    ("Simulation de prêt",
     "Projet d'achat de voiture : simulation faite, attend le devis du concessionnaire. "
     "Proposer le crédit auto quand il revient.",
     "Simulation remise"),
    ("Réclamation",
     "Mécontent de l'attente au téléphone la semaine dernière ; geste commercial de 20 € déjà "
     "fait, ne pas en refaire.",
     "Geste commercial de 20 €"),
    ("Ouverture d'un livret",
     "Veut ouvrir un Livret Jeune pour sa fille : venir avec le livret de famille.",
     "Rendez-vous à reprendre avec les pièces"),
    ("Autorisation de découvert",
     "Découvert dépassé plusieurs fois : échéancier accepté, prochain point le {jour}.",
     "Échéancier mis en place"),
    ("Bilan annuel",
     "Malentendant : privilégier l'écrit (messagerie sécurisée) plutôt que le téléphone.",
     "Pas de besoin identifié"),
    ("Appel de courtoisie",
     "Préfère être rappelé le matin (travaille en horaires décalés).",
     "Rendez-vous fixé"),
    ("Rendez-vous professionnel",
     "Dossier de prêt professionnel : bilans reçus, manque le prévisionnel de "
     "l'expert-comptable.",
     "Dossier en étude"),
    ("Contestation d'une opération carte",
     "Contestation d'un paiement de {montant} chez {commercant} en cours : remboursement "
     "provisoire fait, réponse du commerçant attendue.",
     "Dossier de contestation ouvert"),
    ("Bilan patrimonial",
     "Placement de {gros_montant} à faire après la vente de sa maison : a rendez-vous avec moi "
     "le {jour}, ne rien proposer avant.",
     "Rendez-vous fixé"),
)  # fmt: skip


# ---------------------------------------------------------------- placeholders


def euros(amount: float) -> str:
    """`1 250,40 €`, as amounts are written in French."""
    whole, cents = divmod(round(amount * 100), 100)
    return f"{whole:,}".replace(",", " ") + f",{cents:02d} €"


def round_euros(amount: float, step: int) -> str:
    """`12 500 €`: a round amount, to the nearest `step`."""
    return f"{round(amount / step) * step:,}".replace(",", " ") + " €"


class Slots(dict[str, str]):
    """The values of a text's placeholders, drawn when the text first asks for each."""

    def __init__(self, rng: random.Random, today: dt.date) -> None:
        super().__init__()
        r = rng.random
        gauss, uniform = rng.gauss, rng.uniform

        def pick(items: Sequence[str]) -> Callable[[], str]:
            return lambda: items[int(r() * len(items))]

        last_cum = list(itertools.accumulate(1 / (rank + 20) for rank in range(len(LAST_NAMES))))
        first_names = [name for _year, names in COHORT_FIRST_NAMES for name in names]

        def last_name() -> str:
            return rng.choices(LAST_NAMES, cum_weights=last_cum)[0]

        def person() -> str:
            return f"{first_names[int(r() * len(first_names))]} {last_name()}"

        def day() -> str:
            later = today + dt.timedelta(days=3 + int(r() * 18))
            return f"{later.day} {MOIS[later.month - 1]}"

        self._make: dict[str, Callable[[], str]] = {
            "montant": lambda: euros(math.exp(gauss(4.6, 1.0))),
            "petit_montant": lambda: euros(math.exp(gauss(3.6, 0.8))),
            "gros_montant": lambda: round_euros(uniform(80_000, 900_000), 1000),
            "loyer": lambda: round_euros(uniform(420, 1400), 10),
            "capital": lambda: round_euros(uniform(90_000, 420_000), 1000),
            "apport": lambda: round_euros(uniform(10_000, 80_000), 1000),
            "montant_conso": lambda: round_euros(uniform(2_000, 30_000), 500),
            "montant_pro": lambda: round_euros(uniform(5_000, 60_000), 1000),
            "duree": pick(("15", "20", "20", "25", "25")),
            "duree_conso": pick(("12", "24", "36", "48", "60")),
            "plafond": lambda: round_euros(uniform(1500, 6000), 500),
            "decouvert": lambda: round_euros(uniform(300, 2000), 100),
            "frais": lambda: euros((8, 16, 24, 32, 40, 20, 30)[int(r() * 7)]),
            "geste": pick(("15 €", "20 €", "30 €", "50 €")),
            "nb": pick(("2", "3", "4", "5")),
            "beneficiaire": person,
            "nom": last_name,
            "commercant": pick(MERCHANTS),
            "ville": pick([town.name for town in TOWNS]),
            "logement": pick(LOGEMENTS),
            "livret": pick(LIVRETS),
            "objet_conso": pick(OBJETS_CONSO),
            "motif_rdv": pick(MOTIFS_RDV),
            "piece": pick(PIECES),
            "attestation": pick(ATTESTATIONS),
            "carte": pick(CARTES),
            "pays": pick(PAYS),
            "mois": pick(MOIS),
            "jour": day,
        }

    def __missing__(self, key: str) -> str:
        value = self[key] = self._make[key]()
        return value

    def fill(self, template: str) -> str:
        """The template with its placeholders filled (fresh values for each text)."""
        if "{" not in template:
            return template
        self.clear()
        return template.format_map(self)
