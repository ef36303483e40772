"""The playbooks every installation starts with, in French and English.

Short guides for the situations a bank network's frontline meets most, and for the employee's
own side ("I can't find the procedure", "the tool is down"). Each says what the employee may
decide alone; the figures of latitude themselves come from the role (shown on each case).
The onboarding path orders the ones a new hire learns first.

The texts live here, not in app code, so that the migration stays what it was when written.
`seed` is idempotent (keyed by slug and language, a company's own edits are kept), so that
the demo can put them back after a flush.
"""

from django.db import migrations

CUSTOMER = "customer"
EMPLOYEE = "employee"

# (slug, audience, case types, onboarding rank, {language: (title, situation, steps, latitude,
# keywords)}). Steps are one per line.
PLAYBOOKS = [
    (
        "puis-je-decider-seul", EMPLOYEE, ["internal_request", "complaint", "request"], 1,
        {
            "fr": (
                "Puis-je décider seul ?",
                "Un client demande un geste commercial, une exonération de frais ou une "
                "dérogation, et vous ne savez pas si c'est à vous de décider.",
                "Regardez votre délégation, affichée sur chaque dossier : montant du geste "
                "commercial, exonération de frais, décisions nommées.\n"
                "Dans votre délégation, décidez tout de suite : le client n'a pas à attendre "
                "une validation qui n'est pas nécessaire.\n"
                "Au-delà, enregistrez quand même la décision que vous proposez : elle part en "
                "escalade à votre responsable, avec votre raison et tout le dossier.\n"
                "Dites au client qui décide et quand il aura la réponse, et notez-le comme "
                "engagement.",
                "Tout ce qui figure dans votre délégation, sans demander à personne. Une "
                "décision refusée n'est pas une faute : les refus servent à ajuster les "
                "délégations.",
                "délégation, décider, geste commercial, validation, accord, responsable, "
                "dérogation, exonération, autorisation",
            ),
            "en": (
                "May I decide alone?",
                "A customer asks for a goodwill gesture, a fee waiver or an exception, and you "
                "are not sure the decision is yours.",
                "Look at your latitude, shown on every case: the goodwill amount, fee waivers, "
                "the named decisions.\n"
                "Within your latitude, decide at once: the customer need not wait for an "
                "approval nobody requires.\n"
                "Beyond it, still record the decision you propose: it goes up to your manager "
                "as an escalation, with your reason and the whole case.\n"
                "Tell the customer who decides and when they will hear, and record it as a "
                "commitment.",
                "Everything within your latitude, without asking anyone. A refused decision is "
                "not a fault: refusals are how latitudes get adjusted.",
                "latitude, decide, goodwill, gesture, approval, manager, exception, waiver, "
                "authorisation",
            ),
        },
    ),
    (
        "perte-vol-carte", CUSTOMER, ["request", "complaint"], 2,
        {
            "fr": (
                "Perte ou vol de carte",
                "Le client a perdu sa carte ou se l'est fait voler, ou il ne la retrouve plus "
                "et s'inquiète d'opérations qu'il ne reconnaît pas.",
                "Faites opposition immédiatement, avant toute autre question : chaque minute "
                "compte.\n"
                "Passez en revue avec le client les dernières opérations et notez celles qu'il "
                "ne reconnaît pas.\n"
                "En cas de vol, conseillez-lui de porter plainte : le récépissé appuie la "
                "contestation des opérations frauduleuses.\n"
                "Commandez la carte de remplacement ; proposez un retrait en agence si le client "
                "en a besoin vite.\n"
                "Opérations non autorisées : ouvrez la contestation. Elles sont remboursées au "
                "plus tard le premier jour ouvré qui suit la déclaration.\n"
                "Prenez un engagement : rappeler le client quand la nouvelle carte est arrivée.",
                "Opposition, carte de remplacement et contestation des opérations non "
                "autorisées : seul. Les frais de refabrication peuvent être offerts dans la "
                "limite de votre délégation.",
                "perte, perdu, perdue, vol, volé, volée, opposition, carte perdue, carte volée, "
                "fraude, remplacement",
            ),
            "en": (
                "Lost or stolen card",
                "The customer has lost their card or had it stolen, or cannot find it and "
                "worries about payments they do not recognise.",
                "Block the card at once, before any other question: every minute counts.\n"
                "Go through the latest transactions with the customer and note those they do "
                "not recognise.\n"
                "If it was stolen, advise them to report it to the police: the report supports "
                "the dispute of fraudulent payments.\n"
                "Order the replacement card; offer pick-up at the branch if they need it "
                "quickly.\n"
                "Unauthorised transactions: open the dispute. They are refunded by the end of "
                "the next business day after the report at the latest.\n"
                "Make a commitment: call the customer back when the new card has arrived.",
                "Blocking the card, the replacement card and disputing unauthorised "
                "transactions: alone. The replacement fee may be waived within your latitude.",
                "lost, stolen, theft, block, blocked card, lost card, stolen card, fraud, "
                "replacement",
            ),
        },
    ),
    (
        "carte-bloquee-etranger", CUSTOMER, ["request", "complaint"], 3,
        {
            "fr": (
                "Carte bloquée à l'étranger",
                "Le client est en voyage ; ses paiements ou ses retraits sont refusés, ou sa "
                "carte a été bloquée par la surveillance antifraude après une opération "
                "inhabituelle.",
                "Vérifiez l'identité du client (questions de sécurité ou code envoyé par SMS) "
                "avant toute action.\n"
                "Cherchez dans l'outil cartes le motif du refus : plafond atteint, blocage "
                "antifraude, carte en opposition, code faux trois fois.\n"
                "Blocage antifraude : confirmez avec le client ses dernières opérations, puis "
                "levez le blocage ; la carte refonctionne en quelques minutes.\n"
                "Plafond atteint : proposez un relèvement temporaire du plafond de paiement ou "
                "de retrait pour la durée du voyage.\n"
                "Code bloqué : il se débloque en changeant le code dans l'application, ou à un "
                "distributeur de la banque au retour.\n"
                "Si la carte reste inutilisable : donnez le numéro de l'assistance de la carte "
                "(au dos) pour une avance d'argent d'urgence, et prenez un engagement de "
                "rappel.\n"
                "Conseillez d'activer l'option « paiements à l'étranger » avant le prochain "
                "voyage.",
                "Lever un blocage antifraude après confirmation des opérations par le client ; "
                "relever temporairement le plafond de la carte si votre rôle le prévoit ; geste "
                "commercial sur les frais de paiement à l'étranger dans la limite de votre "
                "délégation.",
                "carte bloquée, carte refusée, paiement refusé, retrait refusé, étranger, "
                "voyage, vacances, antifraude, plafond, distributeur",
            ),
            "en": (
                "Card blocked abroad",
                "The customer is travelling; their payments or withdrawals are declined, or the "
                "fraud monitoring blocked the card after an unusual transaction.",
                "Check the customer's identity (security questions or a code sent by text "
                "message) before anything else.\n"
                "Find the reason in the cards tool: limit reached, fraud block, card blocked "
                "after a loss, wrong PIN three times.\n"
                "Fraud block: confirm the latest transactions with the customer, then lift the "
                "block; the card works again within minutes.\n"
                "Limit reached: offer a temporary raise of the payment or withdrawal limit for "
                "the length of the trip.\n"
                "PIN blocked: it is unblocked by changing the PIN in the app, or at one of the "
                "bank's cash machines back home.\n"
                "If the card still cannot be used: give the card's assistance number (on the "
                "back) for an emergency cash advance, and make a call-back commitment.\n"
                "Advise turning on the \"payments abroad\" option before the next trip.",
                "Lifting a fraud block once the customer has confirmed the transactions; a "
                "temporary limit raise if your role allows it; a goodwill gesture on foreign "
                "payment fees within your latitude.",
                "card blocked, card declined, payment declined, withdrawal declined, abroad, "
                "travel, holiday, fraud, limit, cash machine",
            ),
        },
    ),
    (
        "contestation-frais", CUSTOMER, ["complaint", "request"], 4,
        {
            "fr": (
                "Contestation de frais bancaires",
                "Le client conteste des frais prélevés sur son compte : commission "
                "d'intervention, frais de rejet, cotisation de carte, agios, frais de tenue de "
                "compte.",
                "Retrouvez les frais sur le relevé avec le client et expliquez d'où ils "
                "viennent, sans jargon : l'opération qui les a déclenchés, sa date.\n"
                "Vérifiez qu'ils suivent la brochure tarifaire et les plafonds légaux (les frais "
                "d'incidents des clients fragiles sont plafonnés).\n"
                "Frais prélevés par erreur : remboursez-les en totalité ; c'est un dû, pas un "
                "geste.\n"
                "Frais justifiés mais situation qui s'y prête (premier incident, client fidèle, "
                "difficulté passagère) : proposez un geste commercial.\n"
                "Proposez ce qui évitera la prochaine fois : alerte SMS de solde bas, découvert "
                "autorisé adapté, offre clientèle fragile.\n"
                "Enregistrez la décision sur le dossier et dites au client quand le "
                "remboursement apparaîtra sur son compte.",
                "Rembourser des frais prélevés à tort ; accorder un geste commercial dans la "
                "limite de votre délégation (affichée sur le dossier). Au-delà, ou pour des "
                "frais répétés sur plusieurs mois, escaladez avec l'historique des frais.",
                "frais, commission, agios, cotisation, tarif, commission d'intervention, rejet, "
                "prélevé, remboursement de frais",
            ),
            "en": (
                "Dispute about bank fees",
                "The customer disputes fees taken from their account: overdraft charges, "
                "returned payment fees, card fee, interest, account keeping fees.",
                "Find the fees on the statement with the customer and explain where they come "
                "from, without jargon: the transaction that triggered them, and when.\n"
                "Check they follow the price list and the legal caps (incident fees of "
                "financially vulnerable customers are capped).\n"
                "Fees taken by mistake: refund them in full; that is owed, not a gesture.\n"
                "Fees that were due but a situation that calls for it (first incident, loyal "
                "customer, passing difficulty): offer a goodwill gesture.\n"
                "Offer what will avoid the next time: a low balance text alert, a suitable "
                "arranged overdraft, the offer for vulnerable customers.\n"
                "Record the decision on the case and tell the customer when the refund will "
                "show on their account.",
                "Refunding fees taken by mistake; a goodwill gesture within your latitude "
                "(shown on the case). Beyond it, or for fees repeated over several months, "
                "escalate with the history of the fees.",
                "fees, charges, overdraft, interest, card fee, price, returned payment, charged, "
                "refund of fees",
            ),
        },
    ),
    (
        "connexion-application", CUSTOMER, ["request"], 5,
        {
            "fr": (
                "Problème de connexion à l'application",
                "Le client n'arrive plus à se connecter à l'application ou au site : code "
                "oublié, accès bloqué après plusieurs essais, nouveau téléphone, code de "
                "validation jamais reçu.",
                "Vérifiez l'identité du client avant toute réinitialisation.\n"
                "Regardez l'état de l'accès : bloqué après trois essais, appareil non reconnu, "
                "numéro de téléphone à mettre à jour.\n"
                "Réinitialisez le code d'accès ; le code provisoire part par SMS au numéro "
                "connu, jamais à un numéro donné pendant l'échange.\n"
                "Nouveau téléphone : désactivez l'ancien appareil et guidez le client pour "
                "activer le nouveau.\n"
                "Si l'application est en panne pour tout le monde, dites-le au client avec un "
                "délai, et signalez l'incident à l'assistance.",
                "Réinitialisation du code, déblocage de l'accès et changement d'appareil de "
                "confiance : seul, après vérification de l'identité.",
                "application, appli, connexion, se connecter, mot de passe, code d'accès, "
                "identifiant, accès bloqué, nouveau téléphone, authentification",
            ),
            "en": (
                "App login problem",
                "The customer can no longer log in to the app or the website: forgotten "
                "passcode, access blocked after several tries, new phone, validation code "
                "never received.",
                "Check the customer's identity before any reset.\n"
                "Look at the access: blocked after three tries, device not recognised, phone "
                "number to update.\n"
                "Reset the passcode; the temporary code goes by text message to the number on "
                "file, never to a number given during the call.\n"
                "New phone: deactivate the old device and guide the customer through activating "
                "the new one.\n"
                "If the app is down for everyone, say so with a time frame, and report the "
                "incident to the help desk.",
                "Resetting the passcode, unblocking the access and changing the trusted device: "
                "alone, once the identity is checked.",
                "app, application, login, log in, password, passcode, username, access blocked, "
                "new phone, authentication",
            ),
        },
    ),
    (
        "reclamation-attente", CUSTOMER, ["complaint"], 6,
        {
            "fr": (
                "Réclamation sur le temps d'attente",
                "Le client se plaint d'avoir trop attendu : en agence, au téléphone, ou une "
                "réponse à un courriel ou à une demande.",
                "Reconnaissez l'attente et excusez-vous simplement, sans vous justifier par la "
                "charge de l'agence.\n"
                "Traitez la demande d'origine tout de suite si c'est possible : c'est la "
                "meilleure des réponses.\n"
                "Sinon, prenez un engagement précis (qui rappelle, quel jour) et notez-le sur "
                "le dossier.\n"
                "Proposez un rendez-vous, ou l'application pour ce type d'opération la "
                "prochaine fois.\n"
                "Si l'attente vient d'un outil ou d'un processus (outil lent, validation qui "
                "bloque), signalez-la avec le bouton « Quelque chose m'a gêné ».",
                "Excuses, engagement de rappel, rendez-vous prioritaire : seul. Un geste "
                "commercial dans votre délégation si l'attente a coûté quelque chose au client "
                "(frais, pénalité).",
                "attente, attendu, attendre, file, temps d'attente, pas de réponse, "
                "injoignable, délai, rappel",
            ),
            "en": (
                "Complaint about waiting time",
                "The customer complains they waited too long: at the branch, on the phone, or "
                "for an answer to an e-mail or a request.",
                "Acknowledge the wait and apologise simply, without blaming how busy the branch "
                "is.\n"
                "Handle the original request right away if you can: that is the best answer.\n"
                "Otherwise make a precise commitment (who calls back, which day) and record it "
                "on the case.\n"
                "Offer an appointment, or the app for this kind of operation next time.\n"
                "If the wait comes from a tool or a process (slow tool, a blocking approval), "
                "flag it with the \"Something got in my way\" button.",
                "Apologies, a call-back commitment, a priority appointment: alone. A goodwill "
                "gesture within your latitude if the wait cost the customer something (fees, a "
                "penalty).",
                "waiting, waited, wait, queue, waiting time, no answer, unreachable, delay, "
                "call back",
            ),
        },
    ),
    (
        "procedure-introuvable", EMPLOYEE, ["irritant", "internal_request"], 7,
        {
            "fr": (
                "Je ne trouve pas la procédure",
                "Face à la demande d'un client, vous ne trouvez pas la procédure à suivre, ou "
                "celle que vous trouvez ne correspond pas au cas.",
                "Cherchez d'abord ici, avec les mots du client : les fiches couvrent les "
                "situations les plus fréquentes.\n"
                "Demandez à un collègue expérimenté ou à votre responsable : poser la question "
                "fait gagner du temps à tout le monde.\n"
                "Si aucune procédure ne couvre le cas, faites au mieux dans votre délégation et "
                "notez sur le dossier ce que vous avez fait.\n"
                "Signalez le manque avec le bouton « Quelque chose m'a gêné » : une procédure "
                "introuvable est un irritant, suivi comme une réclamation client.",
                "Dans le doute, vous pouvez toujours : prendre un engagement de rappel, "
                "escalader avec une raison, et décider seul tout ce qui est dans votre "
                "délégation.",
                "procédure, introuvable, trouve pas, mode opératoire, documentation, intranet, "
                "règle, consigne",
            ),
            "en": (
                "I can't find the procedure",
                "Faced with a customer's request, you cannot find the procedure to follow, or "
                "the one you find does not fit the case.",
                "Search here first, with the customer's own words: the playbooks cover the most "
                "frequent situations.\n"
                "Ask an experienced colleague or your manager: asking saves everyone time.\n"
                "If no procedure covers the case, do your best within your latitude and write "
                "on the case what you did.\n"
                "Flag what is missing with the \"Something got in my way\" button: a procedure "
                "nobody can find is an irritant, followed up like a customer complaint.",
                "When in doubt you may always: make a call-back commitment, escalate with a "
                "reason, and decide alone whatever is within your latitude.",
                "procedure, can't find, cannot find, how to, documentation, intranet, rule, "
                "instructions",
            ),
        },
    ),
    (
        "outil-en-panne", EMPLOYEE, ["irritant"], 8,
        {
            "fr": (
                "L'outil est en panne",
                "Un outil dont vous avez besoin pour servir le client ne répond pas, est très "
                "lent ou affiche une erreur.",
                "Dites au client ce qui se passe, sans détails techniques, et proposez une "
                "solution : patienter quelques minutes, revenir, ou être rappelé.\n"
                "Prenez un engagement de rappel daté et notez-le sur le dossier du client : il "
                "ne doit pas revenir pour rien.\n"
                "Prévenez l'assistance informatique avec l'heure et le message d'erreur.\n"
                "Signalez l'irritant avec le bouton « Quelque chose m'a gêné » en nommant "
                "l'outil : les pannes répétées se voient alors dans les tableaux de bord.",
                "Engagement de rappel, rendez-vous, et geste commercial dans votre délégation "
                "si la panne a causé un préjudice au client.",
                "panne, outil, lent, lenteur, bug, erreur, plantage, informatique, ne répond "
                "pas, logiciel",
            ),
            "en": (
                "The tool is down",
                "A tool you need to serve the customer does not respond, is very slow or shows "
                "an error.",
                "Tell the customer what is happening, without technical details, and offer a "
                "way forward: wait a few minutes, come back, or be called back.\n"
                "Make a dated call-back commitment and record it on the customer's case: they "
                "must not come back for nothing.\n"
                "Tell the IT help desk the time and the error message.\n"
                "Flag the irritant with the \"Something got in my way\" button, naming the "
                "tool: repeated outages then show on the dashboards.",
                "A call-back commitment, an appointment, and a goodwill gesture within your "
                "latitude if the outage cost the customer something.",
                "down, outage, tool, slow, bug, error, crash, IT, not responding, software",
            ),
        },
    ),
    (
        "operation-non-reconnue", CUSTOMER, ["complaint", "request"], 9,
        {
            "fr": (
                "Opération non reconnue sur le compte",
                "Le client voit sur son compte un paiement ou un prélèvement qu'il ne reconnaît "
                "pas.",
                "Regardez l'opération avec le client : libellé, date, montant. Souvent, le "
                "libellé du commerçant diffère du nom de l'enseigne.\n"
                "Paiement par carte non reconnu : faites opposition et ouvrez la contestation.\n"
                "Prélèvement : un prélèvement autorisé se conteste sous huit semaines sans "
                "motif ; un prélèvement non autorisé, sous treize mois.\n"
                "Si le client a été manipulé (faux conseiller, lien reçu par SMS), notez les "
                "circonstances et conseillez-lui de porter plainte.\n"
                "Dites au client quand il sera remboursé et prenez un engagement de suivi.",
                "Opposition, contestation et remboursement des opérations non autorisées dans "
                "les délais réglementaires : seul.",
                "opération inconnue, reconnaît pas, fraude, prélèvement, paiement, débit, "
                "contestation, escroquerie, hameçonnage, faux conseiller",
            ),
            "en": (
                "Transaction the customer does not recognise",
                "The customer sees a payment or a direct debit on their account that they do "
                "not recognise.",
                "Look at the transaction with the customer: label, date, amount. Often the "
                "merchant's label differs from the shop's name.\n"
                "Card payment not recognised: block the card and open the dispute.\n"
                "Direct debit: an authorised one can be disputed within eight weeks with no "
                "reason; an unauthorised one within thirteen months.\n"
                "If the customer was tricked (fake adviser, a link received by text message), "
                "write down what happened and advise them to report it to the police.\n"
                "Tell the customer when they will be refunded and make a follow-up commitment.",
                "Blocking, disputing and refunding unauthorised transactions within the "
                "regulatory time limits: alone.",
                "unknown transaction, not recognise, fraud, direct debit, payment, debit, "
                "dispute, scam, phishing, fake adviser",
            ),
        },
    ),
    (
        "difficulte-remboursement-pret", CUSTOMER, ["request"], 10,
        {
            "fr": (
                "Difficulté à rembourser un prêt",
                "Le client annonce qu'il ne pourra pas payer ses prochaines échéances : perte "
                "d'emploi, séparation, maladie, baisse de revenus.",
                "Écoutez sans juger ; remerciez le client de prévenir avant l'impayé : c'est le "
                "meilleur moment pour agir.\n"
                "Faites le point : revenus, charges, durée probable de la difficulté.\n"
                "Vérifiez si l'assurance emprunteur couvre la situation (perte d'emploi, arrêt "
                "de travail) et aidez le client à la déclarer.\n"
                "Selon la situation, proposez un report d'échéance, une modulation des "
                "mensualités ou un rééchelonnement.\n"
                "Si besoin, orientez vers l'offre clientèle fragile ou un point conseil budget.\n"
                "Écrivez la solution retenue et la date du prochain point, et notez-la comme "
                "engagement.",
                "Report d'échéance si votre rôle le prévoit (affiché sur le dossier). "
                "Rééchelonnement, renégociation du taux ou suspension longue : escalade au "
                "directeur d'agence, avec la situation chiffrée.",
                "prêt, crédit, échéance, mensualité, impayé, rembourser, chômage, perte "
                "d'emploi, difficulté, report",
            ),
            "en": (
                "Difficulty repaying a loan",
                "The customer says they will not be able to pay the next instalments: job loss, "
                "separation, illness, lower income.",
                "Listen without judging; thank the customer for telling you before a missed "
                "payment: it is the best time to act.\n"
                "Take stock: income, outgoings, how long the difficulty may last.\n"
                "Check whether the loan insurance covers the situation (job loss, sick leave) "
                "and help the customer claim.\n"
                "Depending on the situation, offer to postpone an instalment, to lower the "
                "monthly payments, or to reschedule the loan.\n"
                "If needed, point to the offer for vulnerable customers or to budget advice.\n"
                "Write down the solution and the date of the next review, and record it as a "
                "commitment.",
                "Postponing an instalment if your role allows it (shown on the case). "
                "Rescheduling, renegotiating the rate or a long suspension: escalate to the "
                "branch manager, with the figures.",
                "loan, credit, instalment, monthly payment, missed payment, repay, unemployment, "
                "job loss, difficulty, postpone",
            ),
        },
    ),
    (
        "deces-succession", CUSTOMER, ["request", "information"], 11,
        {
            "fr": (
                "Décès d'un client et succession",
                "Un proche annonce le décès d'un client. Il faut bloquer ce qui doit l'être, "
                "accompagner la famille et préparer la succession avec le notaire.",
                "Présentez vos condoléances et prenez le temps : le proche vit un moment "
                "difficile.\n"
                "Demandez l'acte de décès et enregistrez le décès : les comptes individuels et "
                "les cartes du défunt sont alors bloqués.\n"
                "Expliquez ce qui reste possible : les frais d'obsèques réglés sur le compte du "
                "défunt sur facture, dans la limite légale ; le compte joint qui continue de "
                "fonctionner pour le cotitulaire.\n"
                "Demandez les coordonnées du notaire chargé de la succession et adressez-lui "
                "l'état des avoirs au jour du décès.\n"
                "Repérez les contrats d'assurance vie et d'assurance emprunteur concernés.\n"
                "Donnez à la famille un seul interlocuteur et notez-le sur le dossier : elle ne "
                "doit pas répéter son histoire.",
                "Enregistrer le décès, bloquer les moyens de paiement, régler les frais "
                "d'obsèques dans la limite légale et transmettre les documents au notaire : "
                "seul. Toute remise ou clôture anticipée passe par le service successions.",
                "décès, décédé, décédée, succession, notaire, héritier, obsèques, funérailles, "
                "veuf, veuve",
            ),
            "en": (
                "Death of a customer and the estate",
                "A relative reports that a customer has died. What must be blocked is blocked, "
                "the family is supported and the estate is prepared with the notary.",
                "Offer your condolences and take your time: the relative is going through a "
                "hard moment.\n"
                "Ask for the death certificate and record the death: the deceased's own "
                "accounts and cards are then blocked.\n"
                "Explain what remains possible: funeral costs paid from the deceased's account "
                "against the invoice, within the legal limit; a joint account keeps working "
                "for the other holder.\n"
                "Ask for the notary handling the estate and send them the statement of assets "
                "on the date of death.\n"
                "Identify the life insurance and loan insurance contracts concerned.\n"
                "Give the family one contact person and write it on the case: they must not "
                "repeat their story.",
                "Recording the death, blocking the means of payment, paying funeral costs "
                "within the legal limit and sending the documents to the notary: alone. Any "
                "waiver or early closing goes through the estates department.",
                "death, died, deceased, passed away, estate, succession, notary, heir, funeral, "
                "widow",
            ),
        },
    ),
    (
        "client-agressif", EMPLOYEE, ["irritant", "internal_request"], 12,
        {
            "fr": (
                "Un client agressif ou menaçant",
                "Un client élève la voix, insulte ou menace, en agence ou au téléphone.",
                "Gardez votre calme, parlez posément, reconnaissez l'émotion du client sans "
                "accepter l'insulte.\n"
                "Si d'autres clients sont présents, proposez de poursuivre dans un bureau, en "
                "restant près de la porte.\n"
                "Si l'agressivité continue, mettez fin à l'échange poliment et prévenez votre "
                "responsable ; en cas de menace, appliquez la consigne de sécurité de "
                "l'agence.\n"
                "Après l'incident, déclarez-le ; vous pouvez demander à en parler avec votre "
                "responsable ou les ressources humaines.",
                "Mettre fin à un échange insultant ou menaçant, sans autorisation de personne.",
                "agressif, agression, insulte, menace, violence, colère, énervé, incivilité, "
                "sécurité",
            ),
            "en": (
                "An aggressive or threatening customer",
                "A customer raises their voice, insults or threatens, at the branch or on the "
                "phone.",
                "Stay calm, speak steadily, acknowledge the customer's feelings without "
                "accepting insults.\n"
                "If other customers are there, offer to continue in an office, staying near the "
                "door.\n"
                "If the aggression goes on, end the conversation politely and tell your "
                "manager; if threatened, follow the branch's safety instructions.\n"
                "Afterwards, report the incident; you may ask to talk it over with your manager "
                "or human resources.",
                "Ending an insulting or threatening conversation, without anyone's approval.",
                "aggressive, aggression, insult, threat, violence, angry, abusive, incivility, "
                "safety",
            ),
        },
    ),
    (
        "changement-adresse", CUSTOMER, ["request"], None,
        {
            "fr": (
                "Changement d'adresse",
                "Le client déménage et veut que la banque ait sa nouvelle adresse : courrier, "
                "cartes, chéquiers, assurance habitation.",
                "Vérifiez l'identité du client et demandez un justificatif de domicile de moins "
                "de trois mois.\n"
                "Mettez l'adresse à jour une seule fois : elle s'applique à tous ses comptes et "
                "contrats.\n"
                "Vérifiez qu'aucune carte ni chéquier n'est en route vers l'ancienne adresse ; "
                "sinon, arrêtez l'envoi et refaites-le.\n"
                "Proposez le transfert de l'assurance habitation et, si le client change de "
                "ville, le rattachement à une agence proche de chez lui.\n"
                "Rappelez que ce changement se fait aussi en quelques secondes dans "
                "l'application.",
                "Tout le changement se fait seul, sans validation. Le changement d'agence se "
                "fait avec l'accord du client.",
                "adresse, déménagement, déménage, justificatif de domicile, courrier, nouvelle "
                "adresse",
            ),
            "en": (
                "Change of address",
                "The customer is moving and wants the bank to have the new address: mail, "
                "cards, chequebooks, home insurance.",
                "Check the customer's identity and ask for a proof of address less than three "
                "months old.\n"
                "Update the address once: it applies to all their accounts and contracts.\n"
                "Check that no card or chequebook is on its way to the old address; if one is, "
                "stop it and send it again.\n"
                "Offer to move the home insurance and, if the customer changes town, to move "
                "them to a branch near their new home.\n"
                "Mention that this change also takes a few seconds in the app.",
                "The whole change is yours to make, with no approval. Moving to another branch "
                "is done with the customer's agreement.",
                "address, moving, move house, proof of address, mail, new address",
            ),
        },
    ),
    (
        "virement-non-recu", CUSTOMER, ["request", "complaint"], None,
        {
            "fr": (
                "Virement non reçu",
                "Le client attend un virement (salaire, remboursement, vente) qui n'est pas "
                "arrivé, ou le bénéficiaire n'a pas reçu le virement qu'il a émis.",
                "Demandez la date d'émission, le montant et l'IBAN utilisé : un virement SEPA "
                "arrive en un jour ouvré, un virement instantané en quelques secondes.\n"
                "Cherchez dans l'outil des virements s'il est en attente, rejeté (IBAN erroné, "
                "compte clos) ou retenu pour contrôle.\n"
                "Virement envoyé par erreur ou au mauvais IBAN : lancez une demande de retour "
                "des fonds, en expliquant qu'elle dépend de l'accord du bénéficiaire.\n"
                "Donnez au client une date à laquelle vous revenez vers lui, et notez-la comme "
                "engagement.",
                "Recherche et demande de retour des fonds : seul. Les frais de recherche "
                "peuvent être offerts dans la limite de votre délégation.",
                "virement, pas reçu, salaire, IBAN, transfert, fonds, bénéficiaire, SEPA, "
                "virement instantané",
            ),
            "en": (
                "Transfer not received",
                "The customer is waiting for a transfer (salary, refund, a sale) that has not "
                "arrived, or the payee has not received the transfer they sent.",
                "Ask for the date it was sent, the amount and the IBAN used: a SEPA transfer "
                "arrives within one business day, an instant transfer within seconds.\n"
                "Look in the transfers tool whether it is pending, rejected (wrong IBAN, closed "
                "account) or held for checks.\n"
                "Transfer sent by mistake or to the wrong IBAN: request a recall of the funds, "
                "explaining that it depends on the payee's consent.\n"
                "Give the customer a date when you will come back to them, and record it as a "
                "commitment.",
                "Tracing the transfer and requesting a recall: alone. The tracing fee may be "
                "waived within your latitude.",
                "transfer, not received, salary, IBAN, wire, funds, payee, SEPA, instant "
                "transfer",
            ),
        },
    ),
    (
        "client-veut-partir", CUSTOMER, ["complaint", "request"], None,
        {
            "fr": (
                "Client mécontent qui veut clôturer ses comptes",
                "Le client annonce qu'il part à la concurrence, souvent après une suite "
                "d'irritants.",
                "Demandez ce qui l'a décidé et écoutez jusqu'au bout ; notez ses raisons sur le "
                "dossier.\n"
                "Réglez tout de suite ce qui peut l'être (frais contestés, demande restée sans "
                "suite).\n"
                "Présentez sans insister ce qui répond à ses raisons : tarifs, offre adaptée, "
                "changement de conseiller.\n"
                "Si le client maintient sa décision, respectez-la : la mobilité bancaire se "
                "fait depuis la nouvelle banque, qui s'occupe des démarches.\n"
                "Signalez les irritants à l'origine du départ : ils touchent peut-être d'autres "
                "clients.",
                "Geste commercial dans votre délégation ; une offre tarifaire particulière ou "
                "une dérogation passe par le directeur d'agence.",
                "clôture, clôturer, fermer le compte, partir, concurrence, résilier, quitter, "
                "mobilité bancaire, mécontent",
            ),
            "en": (
                "Unhappy customer who wants to close their accounts",
                "The customer says they are leaving for a competitor, often after a string of "
                "irritants.",
                "Ask what made them decide and listen to the end; write their reasons on the "
                "case.\n"
                "Settle at once whatever can be settled (disputed fees, a request left "
                "unanswered).\n"
                "Present, without insisting, what answers their reasons: prices, a better "
                "suited offer, another adviser.\n"
                "If the customer keeps to their decision, respect it: switching is done from "
                "the new bank, which handles the formalities.\n"
                "Flag the irritants behind the departure: they may affect other customers too.",
                "A goodwill gesture within your latitude; a special price or an exception goes "
                "through the branch manager.",
                "close, close the account, closing, leave, leaving, competitor, cancel, "
                "switching, unhappy",
            ),
        },
    ),
    (
        "reclamation-ecrite", CUSTOMER, ["complaint"], None,
        {
            "fr": (
                "Réclamation écrite et médiateur",
                "Le client envoie une réclamation par courrier ou par courriel, ou annonce "
                "qu'il va saisir le médiateur.",
                "Accusez réception sous dix jours ouvrables au plus, en donnant le nom de la "
                "personne qui suit la réclamation.\n"
                "Ouvrez un dossier de type réclamation avec la lettre en description : "
                "l'échéance se calcule seule.\n"
                "Répondez sur le fond sous deux mois au plus : ce qui est décidé, et pourquoi.\n"
                "Si la réponse ne satisfait pas le client, donnez-lui les coordonnées du "
                "service relations clientèle, puis du médiateur.",
                "Accuser réception et régler la réclamation dans votre délégation : seul. Un "
                "refus définitif se valide avec le directeur d'agence.",
                "réclamation, courrier, lettre, médiateur, litige, plainte, recours, "
                "mécontentement",
            ),
            "en": (
                "Written complaint and the ombudsman",
                "The customer sends a complaint by letter or e-mail, or says they will go to "
                "the ombudsman.",
                "Acknowledge it within ten business days at most, giving the name of the person "
                "following the complaint.\n"
                "Open a case of type complaint with the letter as its description: the due "
                "date is computed for you.\n"
                "Answer on the substance within two months at most: what was decided, and why.\n"
                "If the answer does not satisfy the customer, give them the details of the "
                "customer relations department, then of the ombudsman.",
                "Acknowledging and settling the complaint within your latitude: alone. A final "
                "refusal is agreed with the branch manager.",
                "complaint, letter, ombudsman, dispute, grievance, appeal, unhappy, mediator",
            ),
        },
    ),
    (
        "demande-interne-sans-reponse", EMPLOYEE, ["internal_request", "irritant"], None,
        {
            "fr": (
                "Une équipe ne répond pas à ma demande",
                "Vous attendez la réponse d'un service du siège ou d'une autre équipe pour "
                "avancer sur le dossier d'un client, et elle ne vient pas.",
                "Vérifiez sur le dossier à qui il a été transmis et quand : la note de "
                "transmission dit ce qui est attendu.\n"
                "Relancez une fois l'équipe, en rappelant le dossier et l'échéance promise au "
                "client.\n"
                "Tenez le client informé : un point d'étape vaut mieux qu'un silence.\n"
                "Si l'échéance du client est menacée, escaladez avec la raison ; si le retard "
                "se répète, signalez-le comme irritant.",
                "Relancer, escalader, prendre un nouvel engagement de rappel auprès du client : "
                "seul.",
                "pas de réponse, relance, relancer, siège, back-office, service, transmis, "
                "bloqué, en attente",
            ),
            "en": (
                "A team does not answer my request",
                "You are waiting for an answer from a head office department or another team "
                "to move a customer's case forward, and it does not come.",
                "Check on the case whom it was handed to and when: the handoff note says what "
                "is expected.\n"
                "Chase the team once, recalling the case and the date promised to the "
                "customer.\n"
                "Keep the customer informed: an update is better than silence.\n"
                "If the customer's date is at risk, escalate with the reason; if the delay "
                "keeps happening, flag it as an irritant.",
                "Chasing, escalating, making a new call-back commitment to the customer: alone.",
                "no answer, chase, reminder, head office, back office, department, handed off, "
                "blocked, waiting",
            ),
        },
    ),
]


def seed(apps, schema_editor):
    """Create the playbooks that are missing; those already there (maybe edited) are kept."""
    Playbook = apps.get_model("cases", "Playbook")
    have = set(Playbook.objects.values_list("slug", "language"))
    Playbook.objects.bulk_create(
        [
            Playbook(
                slug=slug,
                audience=audience,
                language=language,
                title=title,
                situation=situation,
                steps=steps,
                latitude=latitude,
                case_types=case_types,
                keywords=keywords,
                onboarding_rank=rank,
            )
            for slug, audience, case_types, rank, texts in PLAYBOOKS
            for language, (title, situation, steps, latitude, keywords) in texts.items()
            if (slug, language) not in have
        ]
    )


def unseed(apps, schema_editor):
    Playbook = apps.get_model("cases", "Playbook")
    Playbook.objects.filter(slug__in=[entry[0] for entry in PLAYBOOKS]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
