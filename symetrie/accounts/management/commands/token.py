"""`symetrie token create|list|revoke`: personal access tokens for the API."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils.timezone import localtime

from symetrie.accounts.models import ApiToken
from symetrie.accounts.services import token_create, token_revoke


class Command(BaseCommand):
    help = "Create, list or revoke personal API tokens (sent as 'Authorization: Bearer TOKEN')."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token; it is printed once")
        create.add_argument("user", help="username or e-mail")
        create.add_argument("--name", default="", help="what the token is for")
        listing = sub.add_parser("list", help="list a user's tokens")
        listing.add_argument("user", help="username or e-mail")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix", help="the token's first characters, as `list` shows them")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            token, clear = token_create(user=self._user(options["user"]), name=options["name"])
            self.stderr.write(f"token {token.prefix}… created; it will not be shown again:")
            self.stdout.write(clear)
        elif action == "list":
            # Dates in the project's time zone, as the admin shows them (stored in UTC).
            for token in ApiToken.objects.filter(user=self._user(options["user"])):
                revoked, used_at = token.revoked_at, token.last_used_at
                state = f"revoked {localtime(revoked):%Y-%m-%d}" if revoked else "live"
                used = f"{localtime(used_at):%Y-%m-%d %H:%M}" if used_at else "never"
                self.stdout.write(f"{token.prefix}…\t{state}\tlast used {used}\t{token.name}")
        else:
            matches = list(ApiToken.objects.filter(prefix__startswith=options["prefix"]))
            if len(matches) != 1:
                raise CommandError(
                    f"{len(matches)} tokens start with {options['prefix']!r}: give a unique prefix"
                )
            token_revoke(token=matches[0])
            self.stdout.write(f"token {matches[0].prefix}… revoked")

    def _user(self, login: str) -> Any:
        user = (
            get_user_model()
            .objects.filter(Q(username__iexact=login) | Q(email__iexact=login))
            .first()
        )
        if user is None:
            raise CommandError(f"no user with username or e-mail {login!r}")
        return user
