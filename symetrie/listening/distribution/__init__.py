"""Distribution: invitations with single-use tokens, e-mails sent in throttled batches,
reminders to non-respondents, links and QR codes to print in a branch, and the transactional
surveys sent after an event (a closed case, an interaction on a channel).

Tokens. A token is 256 random bits from `secrets`, url-safe; only its sha256 is stored
(`Invitation.token_hash`), so a copy of the database answers no survey. The raw token exists
only in what the person receives. An e-mail's link is therefore minted when the e-mail goes
out (the token `invitation_create` returned for an e-mail invitation is replaced then), and a
reminder carries a fresh link that replaces the previous one: the database never holds a
token it could put in a later message.

Over-solicitation. A person gets at most one invitation per `survey.cooldown_days` across all
the surveys of their audience — except that the lifecycle surveys (onboarding, exit) are sent
when the event happens and neither wait for nor delay the others (an exit survey cannot wait a
month), and a new round of a survey with rounds (a monthly pulse) does not wait for the
invitation of the round before; an opted-out person gets none; a customer who did not agree to
e-mails gets none by e-mail (nor after an event, which is delivered by e-mail).

Apps depend one way (cases ← listening): the triggers are receivers of the cases' and
customers' `post_save` signals, connected in `ListeningConfig.ready()`; they only hand the
event to the functions here, after the commit.

The package's parts: `tokens`, `invitations` (the rules of who may be invited), `sending`
(e-mails and reminders), `links` (printed links and QR codes), `triggers` (after an event).
"""

from __future__ import annotations

from symetrie.listening.distribution import invitations, links, sending, tokens, triggers
from symetrie.listening.distribution.invitations import (
    EMAILED,
    LIFECYCLE_KINDS,
    InviteCounts,
    Skip,
    invitation_create,
    invitations_create_for_unit,
    opt_out_record,
)
from symetrie.listening.distribution.links import (
    customer_segments,
    link_url,
    qr_code,
    survey_link_create,
    survey_link_deactivate,
    survey_link_visit,
    survey_links,
)
from symetrie.listening.distribution.sending import (
    BATCH_SIZE,
    SendCounts,
    invitations_send,
    reminders_send,
)
from symetrie.listening.distribution.tokens import (
    answer_url,
    invitation_for_token,
    new_token,
    token_hash,
)
from symetrie.listening.distribution.triggers import (
    invite_after_case_closed,
    invite_after_interaction,
)

__all__ = [
    "BATCH_SIZE", "EMAILED", "LIFECYCLE_KINDS", "InviteCounts", "SendCounts", "Skip",
    "answer_url", "customer_segments", "invitation_create", "invitation_for_token",
    "invitations", "invitations_create_for_unit", "invitations_send", "invite_after_case_closed",
    "invite_after_interaction", "link_url", "links", "new_token", "opt_out_record", "qr_code",
    "reminders_send", "sending", "survey_link_create", "survey_link_deactivate",
    "survey_link_visit", "survey_links", "token_hash", "tokens", "triggers",
]  # fmt: skip
